// The wasm depthwise 3x3, max-pool + add, 2x2 max-pool, upsample + add and head (conv + global
// average pool) kernels against their TypeScript references, on model and edge shapes.
import { expect } from '@esm-bundle/chai';
import { depthwiseBiasRef } from '../../../src/kernels/depthwise-bias.ref.js';
import { depthwiseConv2dRef } from '../../../src/kernels/depthwise-conv2d.ref.js';
import { headGapRef } from '../../../src/kernels/head-gap.ref.js';
import { maxpoolAddRef, poolOutSize } from '../../../src/kernels/maxpool-add.ref.js';
import { maxpool2x2Ref } from '../../../src/kernels/maxpool2x2.ref.js';
import { tensor } from '../../../src/kernels/tensor.js';
import { upsampleAddRef } from '../../../src/kernels/upsample-add.ref.js';
import { conv2d, depthwise, globalAvgPool, maxpool2x2, maxpoolAdd, upsampleAdd } from '../../../src/kernels/wasm/ops.js';
import { assertClose, randomArray } from '../../helpers/gpu.js';
import { randomConv, randomDw } from '../harness.js';
import { stage } from './wasm-harness.js';

const ATOL = 1e-5;
const rand = (shape: number[], seed: number) => tensor(shape, randomArray(shape.reduce((a, b) => a * b, 1), seed));

suite('wasm depthwise3x3', () => {
  // Widths 1, 2, 3 and odd or even interiors (the kernel does interior columns in pairs, edges apart).
  const shapes = [[1, 44, 44, 12], [2, 11, 11, 48], [3, 1, 1, 5], [1, 1, 7, 6], [2, 5, 1, 4], [1, 6, 9, 7], [2, 2, 2, 3], [1, 3, 2, 8], [2, 4, 3, 4], [1, 5, 4, 8]];
  for (const sh of shapes) {
    test(`no bias ${sh.join('x')}`, async () => {
      const x = rand(sh, 21), w = randomDw(sh[3], 4);
      const want = depthwiseConv2dRef(x, w);
      const s = await stage([x], want.data.length, (l) => l.dw(w));
      assertClose(s.read(depthwise(s.heap, s.xs[0], s.extra, 'none', s.out), want.data.length), want.data, ATOL, `dw ${sh}`);
    });
    test(`bias + relu, bias + sigmoid(2) ${sh.join('x')}`, async () => {
      const x = rand(sh, 22), w = randomDw(sh[3], 5), b = randomArray(sh[3], 6);
      for (const act of ['relu', { sigmoid: Math.min(2, sh[3]) }] as const) {
        const want = depthwiseBiasRef(x, w, b, act);
        const s = await stage([x], want.data.length, (l) => l.dw(w, b));
        assertClose(s.read(depthwise(s.heap, s.xs[0], s.extra, act, s.out), want.data.length), want.data, ATOL, `dw ${sh} ${JSON.stringify(act)}`);
      }
    });
  }
});

suite('wasm maxpool3x3/2 + add', () => {
  for (const sh of [[1, 44, 44, 24], [3, 11, 11, 96], [2, 1, 1, 5], [1, 6, 5, 7], [2, 3, 3, 192]]) {
    test(`${sh.join('x')} (into r, in place)`, async () => {
      const y = rand(sh, 31);
      const r = rand([sh[0], poolOutSize(sh[1]), poolOutSize(sh[2]), sh[3]], 32);
      const want = maxpoolAddRef(y, r);
      const s = await stage([y, r], 0, () => null);
      const out = maxpoolAdd(s.heap, s.xs[0], s.xs[1], s.xs[1].ptr);
      assertClose(s.read(out, want.data.length), want.data, ATOL, `maxpoolAdd ${sh}`);
    });
  }
  test('a residual of the wrong shape is an error', async () => {
    const s = await stage([rand([1, 4, 4, 4], 1), rand([1, 3, 3, 4], 2)], 16, () => null);
    expect(() => maxpoolAdd(s.heap, s.xs[0], s.xs[1], s.out)).to.throw(/expected 1x2x2x4/);
  });
});

suite('wasm YuNet pooling', () => {
  for (const sh of [[1, 160, 120, 16], [2, 5, 7, 3], [1, 2, 2, 64]]) {
    test(`maxpool2x2 ${sh.join('x')}`, async () => {
      const x = rand(sh, 41);
      const want = maxpool2x2Ref(x);
      const s = await stage([x], want.data.length, () => null);
      assertClose(s.read(maxpool2x2(s.heap, s.xs[0], s.out), want.data.length), want.data, ATOL, `maxpool2x2 ${sh}`);
    });
  }
  for (const sh of [[1, 40, 30, 64], [2, 2, 2, 5], [1, 6, 4, 7]]) {
    test(`upsampleAdd ${sh.join('x')} (in place)`, async () => {
      const skip = rand(sh, 51), x = rand([sh[0], sh[1] / 2, sh[2] / 2, sh[3]], 52);
      const want = upsampleAddRef(skip, x);
      const s = await stage([skip, x], 0, () => null);
      assertClose(s.read(upsampleAdd(s.heap, s.xs[0], s.xs[1], s.xs[0].ptr), want.data.length), want.data, ATOL, `upsampleAdd ${sh}`);
    });
  }
});

suite('wasm head: conv 3x3 same + global average pool', () => {
  for (const c of [{ n: 2, h: 3, cin: 192, k: 7 }, { n: 1, h: 1, cin: 5, k: 2 }, { n: 3, h: 4, cin: 256, k: 2 }]) {
    test(`${c.n}x${c.h}x${c.h}x${c.cin} → ${c.k}`, async () => {
      const x = rand([c.n, c.h, c.h, c.cin], 61), head = randomConv(3, 3, c.cin, c.k, 62);
      const want = headGapRef(x, head);
      const s = await stage([x], c.n * c.h * c.h * c.k, (l) => ({ w: l.conv(head), logits: l.alloc(c.n * c.k, new Float32Array(c.n * c.k).fill(NaN)) }));
      const y = conv2d(s.heap, s.xs[0], s.extra.w, 1, 1, false, s.out);
      globalAvgPool(s.heap, y, s.extra.logits);
      assertClose(s.read(s.extra.logits, c.n * c.k), want, 1e-4, 'head');
    });
  }
});
