// The saliency runner: WebGPU plan vs CPU plan on random weights (chunking, per-face targets,
// flip), its argument checks, and guided back-propagation properties that hold for any weights.
import { expect } from '@esm-bundle/chai';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { createSaliency, resolveTargets } from '../../src/nn/saliency/saliency.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomMiniXception, randomSpec } from './random-mini-xception.js';

// GPU vs CPU, both f32, ~50 layers of differently ordered sums on O(1) random activations.
const ATOL = 1e-3;

function pixels(n: number, s = 48, c = 1, seed = 5): Float32Array {
  return randomArray(n * s * s * c, seed, 0, 255).map(Math.round);
}

suite('saliency', () => {
  test('resolveTargets: predicted, one class, per face; rejects bad ones', () => {
    expect(Array.from(resolveTargets(undefined, 2, 7))).to.deep.equal([-1, -1]);
    expect(Array.from(resolveTargets('predicted', 2, 7))).to.deep.equal([-1, -1]);
    expect(Array.from(resolveTargets(3, 2, 7))).to.deep.equal([3, 3]);
    expect(Array.from(resolveTargets([6, -1], 2, 7))).to.deep.equal([6, -1]);
    expect(() => resolveTargets([7, 0], 2, 7)).to.throw(/target 7 of face 0/);
    expect(() => resolveTargets([1.5, 0], 2, 7)).to.throw(/target 1.5/);
    expect(() => resolveTargets([1], 2, 7)).to.throw(/1 targets for 2 faces/);
  });

  for (const [stem, widths, n, maxBatch, channels, size] of [
    [8, [16, 32, 64, 128], 3, 8, 1, 48],
    [12, [24, 48, 96, 192], 11, 4, 1, 48],   // 3 chunks
    [8, [16, 32, 32, 64], 2, 2, 3, 64],      // RGB 64x64: the map sums the channels
  ] as const) {
    const name = `webgpu and wasm vs cpu: stem=${stem} widths=${widths.join('/')} ${size}x${size}x${channels} n=${n} maxBatch=${maxBatch}`;
    test(name, withDevice(async (device) => {
      const spec = { ...randomSpec(stem, [...widths], 7, true, size), input: { size, channels, scale: 2 / 255, offset: -1 } };
      const f = randomMiniXception(spec, 3);
      if (channels === 3) f.stem[0] = { ...f.stem[0], cin: 3, w: randomArray(9 * 3 * stem, 77, -0.3, 0.3) };
      const px = pixels(n, size, channels);
      const gpu = await createSaliency(f, { device, maxBatch });
      const cpu = await createSaliency(f, { cpu: 'cpu', maxBatch });
      const wasm = await createSaliency(f, { maxBatch });
      expect([cpu.backend, wasm.backend]).to.deep.equal(['cpu', 'wasm']);
      const targets = Array.from({ length: n }, (_, i) => (i % 2 ? i % 7 : -1));
      for (const flip of [true, false]) {
        const [a, b] = [await gpu.saliency(px, n, { target: targets, flip }), await cpu.saliency(px, n, { target: targets, flip })];
        expect(Array.from(a.targets), 'targets').to.deep.equal(Array.from(b.targets));
        let peak = 0;
        for (const v of b.maps) peak = Math.max(peak, Math.abs(v));
        expect(peak, 'maps are not all zero').to.be.greaterThan(1e-4);
        assertClose(a.maps, b.maps, ATOL * Math.max(1, peak), `${name} flip=${flip} maps`);
        assertClose(a.probs, b.probs, 1e-4, `${name} flip=${flip} probs`);
        assertClose(a.logits, b.logits, ATOL, `${name} flip=${flip} logits`);
        const w = await wasm.saliency(px, n, { target: targets, flip });
        expect(Array.from(w.targets), 'wasm targets').to.deep.equal(Array.from(b.targets));
        assertClose(w.maps, b.maps, ATOL * Math.max(1, peak), `${name} flip=${flip} wasm maps`);
        assertClose(w.probs, b.probs, 1e-4, `${name} flip=${flip} wasm probs`);
        assertClose(w.logits, b.logits, ATOL, `${name} flip=${flip} wasm logits`);
      }
      gpu.dispose();
      cpu.dispose();
    }));
  }

  test('predicted target and probs agree with the classifier (flip TTA on and off)', withDevice(async (device) => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 6);
    const n = 5, px = pixels(n, 48, 1, 8);
    for (const dev of [device, undefined]) {
      const sal = await createSaliency(f, { device: dev, maxBatch: 8 });
      const cls = await createMiniXception(f, { device: dev, maxBatch: 8 });
      const r = await sal.saliency(px, n);
      assertClose(r.probs, await cls.classify(px, n), 1e-5, 'probs = classify()');
      assertClose(r.logits, await cls.logits(px, n), 1e-4, 'logits = logits()');
      for (let i = 0; i < n; i++) {
        const row = Array.from(r.probs.subarray(i * 7, i * 7 + 7));
        expect(r.targets[i]).to.equal(row.indexOf(Math.max(...row)));
      }
      sal.dispose();
      cls.dispose();
    }
  }));

  test('guided maps: the map of a class is linear in the logit gradient, so one class twice = same map', withDevice(async (device) => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 7);
    const px = pixels(2, 48, 1, 9);
    const m = await createSaliency(f, { device, maxBatch: 2 });
    const a = await m.saliency(px, 2, { target: [4, 4], flip: false });
    const b = await m.saliency(px.subarray(48 * 48), 1, { target: 4, flip: false });
    assertClose(a.maps.subarray(48 * 48), b.maps, 1e-6, 'batch position does not matter');
    m.dispose();
  }));

  test('rejects bad calls', async () => {
    const m = await createSaliency(randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 1));
    expect(() => m.saliency(new Float32Array(10), 1)).to.throw(/10 pixels for 1 faces/);
    expect(() => m.saliency(new Float32Array(48 * 48), 1, { target: 9 })).to.throw(/target 9/);
    m.dispose();
    let err: unknown;
    try { await m.saliency(new Float32Array(48 * 48), 1); } catch (e) { err = e; }
    expect(String(err)).to.match(/after dispose/);
  });
});
