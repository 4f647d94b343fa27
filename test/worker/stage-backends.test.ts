import { expect } from '@esm-bundle/chai';
import { describeStage, pickFastest } from '../../src/worker/stage-backends.js';
import type { Backend } from '../../src/worker/api.js';

/** A stand-in stage whose run takes `ms`; records its disposal. */
function fake(backend: Backend, ms: number, disposed: Backend[]) {
  return {
    backend,
    build: async () => ({ backend, run: () => new Promise((ok) => setTimeout(ok, ms)), dispose: () => disposed.push(backend) }),
  };
}

suite('stage-backends', () => {
  test('pickFastest keeps the faster candidate, disposes the other, reports both times', async () => {
    const disposed: Backend[] = [];
    const p = await pickFastest([fake('webgpu', 40, disposed), fake('cpu', 5, disposed)], (s) => s.run());
    expect(p.backend).to.equal('cpu');
    expect(p.impl.backend).to.equal('cpu');
    expect(disposed).to.deep.equal(['webgpu']);
    expect(p.ms.webgpu).to.be.above(p.ms.cpu!);
    const q = await pickFastest([fake('cpu', 30, []), fake('webgpu', 2, [])], (s) => s.run());
    expect(q.backend).to.equal('webgpu');
  });

  test('one candidate is built, not timed; a failing one is skipped; all failing throws the first error', async () => {
    let runs = 0;
    const one = await pickFastest([fake('webgpu', 1, [])], async (s) => { runs++; await s.run(); });
    expect([one.backend, runs, one.ms]).to.deep.equal(['webgpu', 0, {}]);
    const broken = { backend: 'webgpu' as Backend, build: async (): Promise<never> => { throw new Error('no shader'); } };
    const p = await pickFastest([broken, fake('cpu', 1, [])], (s) => s.run());
    expect(p.backend).to.equal('cpu');
    let err: unknown;
    await pickFastest([broken, { ...broken, backend: 'cpu' }], async () => undefined).catch((e) => (err = e));
    expect(String(err)).to.match(/no shader/);
  });

  test('describeStage words the choice with the timings', () => {
    expect(describeStage('The face detector', { backend: 'webgpu', ms: { webgpu: 412.3, wasm: 1310 } }, 'a frame'))
      .to.equal('The face detector runs on WebGPU (412 ms a frame; the CPU 1310 ms)');
    expect(describeStage('the emotion model', { backend: 'wasm', ms: {} }, 'a face')).to.equal('the emotion model runs on the CPU');
    expect(describeStage('the emotion model', { backend: 'cpu', ms: {} }, 'a face')).to.equal('the emotion model runs on the CPU (reference code)');
    expect(describeStage('the emotion and gender models', { backend: 'webgpu', ms: {} }, 'a face')).to.equal('the emotion and gender models run on WebGPU');
  });
});
