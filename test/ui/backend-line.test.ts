import { expect } from '@open-wc/testing';
import { backendLine, plainWhy } from '../../src/ui/app/backend-line.js';
import { BACKENDS_KEY, rememberChoice, rememberedChoices } from '../../src/ui/camera/backend-memory.js';
import type { PipelineInfo } from '../../src/worker/api.js';

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
  test("the pipeline's per-stage choice: both backends named when the stages differ, none when they agree", () => {
    const reason = 'WebGPU on google swiftshader (a software adapter). The face detector runs on the CPU (WebAssembly) (412 ms a frame; WebGPU 1310 ms); the emotion and gender models runs on WebGPU (20 ms a face; the CPU (WebAssembly) 31 ms).';
    const splitStages = { backend: 'wasm' as const, stages: { detector: 'wasm' as const, emotion: 'webgpu' as const, gender: 'webgpu' as const }, reason };
    const line = backendLine(splitStages, { backend: 'webgpu', reason: 'WebGPU on x.' }, null, true);
    expect(line).to.equal('Face finding runs on the main processor (CPU, WebAssembly) and emotion and gender on the graphics processor (WebGPU), because ' +
      "this device's WebGPU is a slow software stand-in, and each model runs where it was faster in a quick test at start; heat maps run beside emotion.");
    const same = backendLine({ ...splitStages, stages: { detector: 'wasm', emotion: 'wasm', gender: 'wasm' } }, undefined, null, false);
    expect(same).to.match(/^Face finding and emotion run on the main processor \(CPU, WebAssembly\), because this device's WebGPU is a slow software stand-in, and the CPU was faster/);
  });
  test('the CPU path says how many threads it uses, and why only one', () => {
    const wasm = { backend: 'wasm' as const, reason: 'WebGPU unavailable: navigator.gpu is missing.' };
    expect(backendLine(wasm, undefined, null, false, { count: 2, why: null })).to.match(/\. The CPU path uses 2 threads\.$/);
    expect(backendLine(wasm, undefined, null, false, { count: 1, why: 'the page is not cross-origin isolated' }))
      .to.match(/\. The CPU path uses one thread, because the page is not cross-origin isolated\.$/);
    // No wasm stage: nothing about threads.
    expect(backendLine({ backend: 'webgpu', reason: 'WebGPU on x.' }, undefined, null, false, { count: 2, why: null })).to.not.match(/thread/);
  });

  test('a measured choice is remembered per adapter and reused by the same build only; the line says it was reused', () => {
    localStorage.removeItem(BACKENDS_KEY);
    const info: PipelineInfo = { backend: 'wasm', stages: { detector: 'wasm', emotion: 'webgpu', gender: 'webgpu' }, reason: '', adapter: 'google swiftshader', choice: 'measured', emotionClasses: [], genderClasses: [] };
    expect(rememberedChoices('v1')).to.deep.equal({});
    rememberChoice(info, 'v1');
    rememberChoice({ ...info, adapter: 'other', choice: undefined }, 'v1'); // not measured: not stored
    expect(rememberedChoices('v1')).to.deep.equal({ 'google swiftshader': { detector: 'wasm', emotion: 'webgpu' } });
    expect(rememberedChoices('v2')).to.deep.equal({}); // a new build measures again
    localStorage.setItem(BACKENDS_KEY, '{not json');
    expect(rememberedChoices('v1')).to.deep.equal({});
    localStorage.removeItem(BACKENDS_KEY);
    const reused = { backend: 'wasm' as const, stages: { detector: 'wasm' as const, emotion: 'wasm' as const, gender: 'wasm' as const },
      reason: 'WebGPU on google swiftshader (a software adapter). Reused: the face detector on wasm, the emotion and gender models on wasm, as measured at an earlier load on this adapter.' };
    expect(backendLine(reused, undefined, null, false)).to.equal('Face finding and emotion run on the main processor (CPU, WebAssembly), because a quick test at an earlier start on this device found it faster (reused; tested again when the app or the graphics adapter changes).');
  });
});
