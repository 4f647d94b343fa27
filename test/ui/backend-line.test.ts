import { expect } from '@open-wc/testing';
import { backendLine, plainWhy } from '../../src/ui/app/backend-line.js';

suite('backend line', () => {
  const timedCpu = { backend: 'cpu' as const, reason: 'The WebGPU adapter (google swiftshader) is a software fallback, so both backends were timed: WebGPU 94.8 ms vs CPU 80.9 ms per image at batch 1; using the faster, CPU.' };
  test('plain words, no jargon (adapter, batch, ms)', () => {
    const line = backendLine(timedCpu, timedCpu, null, true);
    expect(line).to.equal("Face finding, emotion and gender run on the main processor (CPU), because this device's WebGPU is a slow software stand-in, and the CPU was faster in a quick test at start; heat maps too.");
    expect(line).to.not.match(/adapter|batch|ms\b/);
  });
  test('the reasons: asked in the address, no WebGPU, WebGPU present', () => {
    expect(plainWhy({ backend: 'cpu', reason: 'CPU backend requested.' }, 'cpu')).to.equal('the page address asks for it (?backend=cpu)');
    expect(plainWhy({ backend: 'cpu', reason: 'WebGPU unavailable: navigator.gpu is missing. Running on the CPU.' }, null)).to.equal('this browser offers no WebGPU');
    expect(plainWhy({ backend: 'webgpu', reason: 'WebGPU on nvidia.' }, null)).to.equal('this browser offers WebGPU');
  });
  test('a classifier on another backend is named, not contradicted', () => {
    const line = backendLine({ backend: 'webgpu', reason: 'WebGPU on x.' }, timedCpu, null, false);
    expect(line).to.match(/^Face finding and emotion run on the graphics processor \(WebGPU\).*; heat maps run on the main processor \(CPU\)/);
  });
});
