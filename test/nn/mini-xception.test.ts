import { expect } from '@esm-bundle/chai';
import { softmaxRef } from '../../src/kernels/head-gap.ref.js';
import { GpuPlan } from '../../src/nn/mini-xception/mini-xception-gpu.js';
import { createMiniXception } from '../../src/nn/mini-xception/mini-xception.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomMiniXception, randomSpec } from './random-mini-xception.js';

// GPU vs CPU plan, both f32: ~30 layers of differently ordered sums. Activations are O(1) with the
// random weights (fan-in scaled), so 1e-3 abs on logits and taps leaves margin; probs 1e-4.
const ATOL_LOGITS = 1e-3;

function pixels(n: number, s = 48, seed = 5): Float32Array {
  return randomArray(n * s * s, seed, 0, 255).map(Math.round);
}

function mirror(px: Float32Array, n: number, s: number): Float32Array {
  const out = new Float32Array(px.length);
  for (let f = 0; f < n; f++) for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) out[(f * s + y) * s + x] = px[(f * s + y) * s + s - 1 - x];
  return out;
}

suite('mini-xception', () => {
  for (const [stem, widths] of [[8, [16, 32, 64, 128]], [12, [24, 48, 96, 192]]] as const) {
    for (const n of [1, 17]) {
      const name = `webgpu and wasm vs cpu plan, random weights stem=${stem} widths=${widths.join('/')} n=${n}`;
      test(name, withDevice(async (device) => {
        const f = randomMiniXception(randomSpec(stem, [...widths]), 3);
        const px = pixels(n);
        const gpu = await createMiniXception(f, { device, maxBatch: n });
        const cpu = await createMiniXception(f, { cpu: 'cpu', maxBatch: n });
        const wasm = await createMiniXception(f, { maxBatch: n });
        expect(gpu.backend).to.equal('webgpu');
        expect(cpu.backend).to.equal('cpu');
        expect(wasm.backend, 'the default CPU path').to.equal('wasm');
        const [lg, lc] = [await gpu.logits(px, n), await cpu.logits(px, n)];
        expect(lg.length).to.equal(n * 7);
        const spread = Math.max(...lc) - Math.min(...lc);
        expect(spread, 'logits vary (a dead network would pass trivially)').to.be.greaterThan(0.1);
        assertClose(lg, lc, ATOL_LOGITS, `${name} logits`);
        const [tg, tc] = [await gpu.taps(px, n), await cpu.taps(px, n)];
        expect([...tg.keys()]).to.deep.equal(['stem', 'block0', 'block1', 'block2', 'block3']);
        for (const [k, t] of tc) {
          expect(tg.get(k)!.shape, k).to.deep.equal(t.shape);
          assertClose(tg.get(k)!.data, t.data, ATOL_LOGITS, `${name} taps.${k}`);
        }
        assertClose(await gpu.classify(px, n), await cpu.classify(px, n), 1e-4, `${name} classify`);
        assertClose(await wasm.logits(px, n), lc, ATOL_LOGITS, `${name} wasm logits`);
        const tw = await wasm.taps(px, n);
        for (const [k, t] of tc) assertClose(tw.get(k)!.data, t.data, ATOL_LOGITS, `${name} wasm taps.${k}`);
        assertClose(await wasm.classify(px, n), await cpu.classify(px, n), 1e-4, `${name} wasm classify`);
        wasm.dispose();
        gpu.dispose();
        cpu.dispose();
      }));
    }
  }

  test('GpuPlan fuseSeparable (SeparableConv2d, its own buffer rotation) = split plan, random weights n=3', withDevice(async (device) => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 5);
    const n = 3, px = pixels(n, 48, 13);
    const [split, fused] = await Promise.all([GpuPlan.create(device, f, n), GpuPlan.create(device, f, n, { fuseSeparable: true })]);
    assertClose(await fused.run(px, n), await split.run(px, n), ATOL_LOGITS, 'fused logits + probs');
    const [ts, tf] = [await split.taps(px, n), await fused.taps(px, n)];
    expect([...tf.keys()]).to.deep.equal([...ts.keys()]);
    for (const [k, t] of ts) assertClose(tf.get(k)!.data, t.data, ATOL_LOGITS, `fused taps.${k}`);
    split.dispose();
    fused.dispose();
  }));

  test('classify = mean softmax of the crop and its mirror; logits = no flip (cpu)', async () => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 4);
    const n = 3, px = pixels(n, 48, 9);
    const m = await createMiniXception(f, { cpu: 'cpu', maxBatch: 4 });
    const a = softmaxRef(await m.logits(px, n), 7);
    const b = softmaxRef(await m.logits(mirror(px, n, 48), n), 7);
    const want = a.map((v, i) => 0.5 * (v + b[i]));
    assertClose(await m.classify(px, n), want, 1e-6, 'flip TTA');
    const noFlip = await createMiniXception({ ...f, spec: { ...f.spec, flip_tta: false } }, { cpu: 'cpu', maxBatch: 4 });
    assertClose(await noFlip.classify(px, n), a, 1e-6, 'no flip');
  });

  test('n > maxBatch is chunked (webgpu, maxBatch 3, n 7, Uint8Array input); n = 0 gives an empty result', withDevice(async (device) => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 6);
    const n = 7, px = Uint8Array.from(pixels(n, 48, 11));
    const small = await createMiniXception(f, { device, maxBatch: 3 });
    const big = await createMiniXception(f, { device, maxBatch: 8 });
    assertClose(await small.classify(px, n), await big.classify(px, n), 1e-6, 'chunked classify');
    assertClose(await small.logits(px, n), await big.logits(px, n), 1e-6, 'chunked logits');
    expect((await small.classify(px, 0)).length).to.equal(0);
    small.dispose();
    big.dispose();
  }));

  test('concurrent calls are serialised and each gets its own answer', withDevice(async (device) => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 7);
    const m = await createMiniXception(f, { device, maxBatch: 2 });
    const a = pixels(2, 48, 1), b = pixels(2, 48, 2);
    const [ra, rb] = await Promise.all([m.logits(a, 2), m.logits(b, 2)]);
    assertClose(ra, await m.logits(a, 2), 0, 'a');
    assertClose(rb, await m.logits(b, 2), 0, 'b');
    expect(ra[0]).to.not.equal(rb[0]);
    m.dispose();
  }));

  test('rejects too few pixels and a bad maxBatch', async () => {
    const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 8);
    const m = await createMiniXception(f, { maxBatch: 2 });
    let err: unknown;
    try { await m.classify(new Uint8Array(100), 1); } catch (e) { err = e; }
    expect(String(err)).to.match(/100 pixels for 1 faces/);
    err = undefined;
    try { await createMiniXception(f, { maxBatch: 0 }); } catch (e) { err = e; }
    expect(String(err)).to.match(/maxBatch/);
  });
});
