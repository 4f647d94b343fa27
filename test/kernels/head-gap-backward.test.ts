import { expect } from '@esm-bundle/chai';
import { HeadGapBackward, SelectLogits, selectRequest } from '../../src/kernels/head-gap-backward.js';
import { gapBackwardRef, headGapBackwardRef, selectLogitsRef } from '../../src/kernels/head-gap-backward.ref.js';
import { headGapRef } from '../../src/kernels/head-gap.ref.js';
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import { conv2dBackwardRef } from '../../src/kernels/conv2d-backward.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { dot } from './backward-helpers.js';
import { randomConv, runKernel } from './harness.js';

suite('head-gap-backward', () => {
  test('ref: d logit_k / d x is the adjoint of headGapRef (bias off)', () => {
    const head = { ...randomConv(3, 3, 8, 7, 2), b: new Float32Array(7) };
    const x = tensor([2, 3, 3, 8], randomArray(2 * 72, 1));
    const logits = headGapRef(x, head);
    const gl = randomArray(14, 3);
    expect(dot(gl, logits)).to.be.closeTo(dot(headGapBackwardRef(gl, head, 2, 3, 3).data, x.data), 1e-4);
  });

  test('ref: GAP backward spreads g/(H*W); selection is one-hot, -1 = arg-max (first on ties)', () => {
    expect(Array.from(gapBackwardRef(Float32Array.from([4, 8]), 1, 2, 2, 2).data)).to.deep.equal([1, 2, 1, 2, 1, 2, 1, 2]);
    const probs = Float32Array.from([0.2, 0.5, 0.3, 0.4, 0.4, 0.2]);
    const s = selectLogitsRef(probs, [-1, -1], 2, 3);
    expect(Array.from(s.chosen)).to.deep.equal([1, 0]);
    expect(Array.from(s.gLogits)).to.deep.equal([0, 1, 0, 1, 0, 0]);
    expect(Array.from(selectLogitsRef(probs, [2, -1], 2, 3).chosen)).to.deep.equal([2, 0]);
    expect(() => selectLogitsRef(probs, [3, 0], 2, 3)).to.throw(/target 3/);
  });

  for (const [n, side, c, k] of [[4, 3, 192, 7], [17, 3, 96, 7], [2, 4, 256, 2], [1, 1, 8, 3], [3, 5, 12, 9]] as const) {
    const name = `head conv3x3 same + GAP backward x=${n}x${side}x${side}x${c} K=${k}`;
    test(name, withDevice(async (device) => {
      const head = randomConv(3, 3, c, k, 5);
      const gl = randomArray(n * k, 9); // any logit gradient, not only one-hot
      const want = conv2dBackwardRef(gapBackwardRef(gl, n, side, side, k), head, { h: side, w: side, stride: 1, pad: 1 });
      const got = await runKernel(device, [gl], want.data.length, n, ([gb], out) =>
        HeadGapBackward.create(device, { h: side, w: side }, head, { gl: gb, gx: out }));
      assertClose(got, want.data, 1e-5, name);
    }));
  }

  for (const [n, k, mirror] of [[5, 7, 0], [5, 7, 5], [70, 2, 70], [1, 7, 3]] as const) {
    test(`select logits (alone and fused with the head backward) n=${n} K=${k} mirror offset ${mirror}`, withDevice(async (device) => {
      const rows = n + mirror;
      const head = randomArray(rows * 2 * k, 4, 0, 1);
      for (let i = 0; i < rows; i++) head[i * 2 * k + k + 1] = head[i * 2 * k + k]; // a tie in every row
      const targets = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? (i / 3) % k : -1));
      const probs = new Float32Array(n * k);
      for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
        const a = head[i * 2 * k + k + j];
        probs[i * k + j] = mirror ? 0.5 * (a + head[(i + mirror) * 2 * k + k + j]) : a;
      }
      const want = selectLogitsRef(probs, targets, n, k);
      const req = selectRequest(targets, n, mirror);
      const chosen = storageBuffer(device, 'test.chosen', n * 4);
      const got = await runKernel(device, [head, new Float32Array(req.buffer)], n * k, n, ([hb, rb], out) =>
        SelectLogits.create(device, k, { head: hb, request: rb, gl: out, chosen }));
      expect(Array.from(got)).to.deep.equal(Array.from(want.gLogits));
      const ch = new Int32Array((await readFloats(device, chosen, n)).buffer);
      expect(Array.from(ch)).to.deep.equal(Array.from(want.chosen));
      // Fused: selection + head backward in one dispatch = the one-hot chain.
      const hd = randomConv(3, 3, 8, k, 3);
      const wantGx = headGapBackwardRef(want.gLogits, hd, n, 3, 3);
      const chosen2 = storageBuffer(device, 'test.chosen2', n * 4);
      const gx = await runKernel(device, [head, new Float32Array(req.buffer)], wantGx.data.length, n, ([hb, rb], out) =>
        HeadGapBackward.create(device, { h: 3, w: 3 }, hd, { head: hb, request: rb, chosen: chosen2, gx: out }));
      assertClose(gx, wantGx.data, 1e-6, 'fused select + head backward');
      expect(Array.from(new Int32Array((await readFloats(device, chosen2, n)).buffer))).to.deep.equal(Array.from(want.chosen));
      chosen.destroy();
      chosen2.destroy();
    }));
  }
});
