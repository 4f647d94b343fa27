import { expect } from '@esm-bundle/chai';
import { HeadGap, effectiveHeadWeights } from '../../src/kernels/head-gap.js';
import { headGapRef, softmaxRef } from '../../src/kernels/head-gap.ref.js';
import { MaxpoolAdd } from '../../src/kernels/maxpool-add.js';
import { maxpoolAddRef, maxpoolShortcutAddRef, poolOutSize } from '../../src/kernels/maxpool-add.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomConv, runKernel } from './harness.js';

const ATOL = 1e-4; // f32 vs f32 reference, summation order only

suite('maxpool-add', () => {
  test('pool sizes follow max_pool2d(3, 2, 1): 44->22, 11->6, 6->3, 1->1', () => {
    expect([44, 22, 11, 6, 1].map(poolOutSize)).to.deep.equal([22, 11, 6, 3, 1]);
  });

  test('maxpoolAddRef: -inf padding (all-negative map keeps its own max)', () => {
    const y = tensor([1, 2, 2, 1], Float32Array.from([-4, -3, -2, -1]));
    const r = tensor([1, 1, 1, 1], Float32Array.from([10]));
    expect(Array.from(maxpoolAddRef(y, r).data)).to.deep.equal([9]);
  });

  for (const [n, h, w, c] of [[1, 44, 44, 24], [17, 11, 11, 8], [2, 5, 7, 4], [3, 1, 1, 16], [17, 6, 6, 12]] as const) {
    const oh = poolOutSize(h), ow = poolOutSize(w);
    const name = `maxpool3x3s2+add y=${n}x${h}x${w}x${c}`;
    test(name, withDevice(async (device) => {
      const y = tensor([n, h, w, c], randomArray(n * h * w * c, 7, -2, 0.5)); // mostly negative: padding must be -inf
      const r = tensor([n, oh, ow, c], randomArray(n * oh * ow * c, 8));
      const want = maxpoolAddRef(y, r);
      const got = await runKernel(device, [y.data, r.data], want.data.length, n, ([yb, rb], out) =>
        MaxpoolAdd.create(device, { h, w, c }, { y: yb, r: rb, out }));
      assertClose(got, want.data, ATOL, name);
    }));
  }

  for (const [n, h, w, cin, c] of [[1, 44, 44, 12, 24], [17, 11, 11, 8, 16], [2, 5, 7, 4, 8], [3, 1, 1, 16, 4], [1, 6, 6, 96, 192]] as const) {
    const name = `maxpool3x3s2+shortcut1x1s2 y=${n}x${h}x${w}x${c} x=${n}x${h}x${w}x${cin}`;
    test(name, withDevice(async (device) => {
      const y = tensor([n, h, w, c], randomArray(n * h * w * c, 7, -2, 0.5));
      const x = tensor([n, h, w, cin], randomArray(n * h * w * cin, 9));
      const s = randomConv(1, 1, cin, c, 13);
      const want = maxpoolShortcutAddRef(y, x, s);
      expect(want.shape).to.deep.equal([n, poolOutSize(h), poolOutSize(w), c]);
      const got = await runKernel(device, [y.data, x.data], want.data.length, n, ([yb, xb], out) =>
        MaxpoolAdd.create(device, { h, w, c }, { y: yb, x: xb, shortcut: s, out }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});

suite('head-gap', () => {
  test('softmaxRef: rows sum to 1, shift invariant, no overflow at 1000', () => {
    const p = softmaxRef(Float32Array.from([1, 2, 3, 1001, 1002, 1003]), 3);
    assertClose(p.subarray(0, 3), p.subarray(3, 6), 1e-7);
    expect(p[0] + p[1] + p[2]).to.be.closeTo(1, 1e-6);
  });

  test('effective weights of a 1x1 map keep only the centre tap', () => {
    const head = randomConv(3, 3, 4, 2, 1);
    const e = effectiveHeadWeights(head, 1, 1);
    for (let ci = 0; ci < 4; ci++) for (let k = 0; k < 2; k++) expect(e[k * 4 + ci]).to.be.closeTo(head.w[(4 * 4 + ci) * 2 + k], 1e-7);
  });

  for (const [n, h, w, c, k] of [[1, 3, 3, 192, 7], [17, 3, 3, 128, 7], [2, 5, 7, 8, 2], [3, 1, 1, 16, 7], [1, 11, 11, 4, 64]] as const) {
    const name = `head conv3x3 same+gap+softmax x=${n}x${h}x${w}x${c} k=${k}`;
    test(name, withDevice(async (device) => {
      const x = tensor([n, h, w, c], randomArray(n * h * w * c, 17, 0, 2));
      const head = randomConv(3, 3, c, k, 19);
      const logits = headGapRef(x, head);
      const probs = softmaxRef(logits, k);
      const got = await runKernel(device, [x.data], n * 2 * k, n, ([xb], out) =>
        HeadGap.create(device, { h, w }, head, { x: xb, out }));
      for (let b = 0; b < n; b++) {
        assertClose(got.subarray(b * 2 * k, b * 2 * k + k), logits.subarray(b * k, (b + 1) * k), ATOL, `${name} logits[${b}]`);
        assertClose(got.subarray(b * 2 * k + k, (b + 1) * 2 * k), probs.subarray(b * k, (b + 1) * k), 1e-5, `${name} probs[${b}]`);
      }
    }));
  }
});
