// The wasm conv2d and pointwise kernels against conv2dRef / pointwiseConv2dRef on the model's
// shapes and on edge shapes: odd channel counts (SIMD tails), 1x1 maps, batch > 1, strides, pads.
import { expect } from '@esm-bundle/chai';
import { conv2dRef, convOutSize } from '../../../src/kernels/conv2d.ref.js';
import { pointwiseConv2dRef } from '../../../src/kernels/pointwise-conv2d.ref.js';
import { tensor } from '../../../src/kernels/tensor.js';
import { fmaAvailable } from '../../../src/kernels/wasm/module.js';
import { conv2d, pointwise } from '../../../src/kernels/wasm/ops.js';
import { assertClose, randomArray } from '../../helpers/gpu.js';
import { randomConv, randomPw } from '../harness.js';
import { stage } from './wasm-harness.js';

// f32 vs the f32 reference: only the summation order differs.
const ATOL = 1e-4;

interface ConvCase { n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number; pad: number; relu: boolean }

const convCases: ConvCase[] = [
  { n: 1, h: 48, w: 48, cin: 1, cout: 12, k: 3, stride: 1, pad: 0, relu: true },   // emotion stem0
  { n: 2, h: 46, w: 46, cin: 12, cout: 12, k: 3, stride: 1, pad: 0, relu: true },  // emotion stem1
  { n: 1, h: 64, w: 64, cin: 3, cout: 16, k: 3, stride: 1, pad: 0, relu: true },   // gender stem0
  { n: 3, h: 3, w: 3, cin: 192, cout: 7, k: 3, stride: 1, pad: 1, relu: false },   // head
  { n: 3, h: 11, w: 11, cin: 48, cout: 96, k: 1, stride: 2, pad: 0, relu: false }, // shortcut, odd map
  { n: 1, h: 5, w: 7, cin: 3, cout: 5, k: 3, stride: 2, pad: 1, relu: true },      // odd everything
  { n: 2, h: 1, w: 1, cin: 4, cout: 12, k: 3, stride: 1, pad: 1, relu: false },    // 1x1 map, all padding
  { n: 2, h: 9, w: 13, cin: 7, cout: 11, k: 3, stride: 1, pad: 1, relu: true },    // odd channels, 4-px tiles + edges
  { n: 1, h: 20, w: 17, cin: 3, cout: 16, k: 3, stride: 2, pad: 1, relu: true },   // YuNet's first conv shape
  { n: 2, h: 6, w: 10, cin: 5, cout: 9, k: 5, stride: 1, pad: 2, relu: false },    // 5x5, wide padding
];

suite('wasm conv2d', () => {
  test('the relaxed-simd (fused multiply-add) build validates in this Chromium', () => {
    expect(fmaAvailable()).to.equal(true);
  });

  // Every case on the build the app runs here (fused multiply-add), and on the plain SIMD128 build.
  for (const c of convCases) for (const fma of [true, false]) {
    const name = `${fma ? '' : 'SIMD128 '}conv${c.k}x${c.k} s${c.stride} p${c.pad}${c.relu ? ' relu' : ''} x=${c.n}x${c.h}x${c.w}x${c.cin} cout=${c.cout}`;
    test(name, async () => {
      const x = tensor([c.n, c.h, c.w, c.cin], randomArray(c.n * c.h * c.w * c.cin, 11));
      const cw = randomConv(c.k, c.k, c.cin, c.cout, 5);
      const want = conv2dRef(x, cw, { stride: c.stride, pad: c.pad, relu: c.relu });
      expect(want.shape).to.deep.equal([c.n, convOutSize(c.h, c.k, c.stride, c.pad), convOutSize(c.w, c.k, c.stride, c.pad), c.cout]);
      const s = await stage([x], want.data.length, (l) => l.conv(cw), fma);
      const y = conv2d(s.heap, s.xs[0], s.extra, c.stride, c.pad, c.relu, s.out);
      expect([y.n, y.h, y.w, y.c]).to.deep.equal(want.shape);
      assertClose(s.read(y, want.data.length), want.data, ATOL, name);
    });
  }

  test('a channel mismatch is an error naming both counts', async () => {
    const s = await stage([tensor([1, 4, 4, 3])], 64, (l) => l.conv(randomConv(3, 3, 4, 8, 1)));
    expect(() => conv2d(s.heap, s.xs[0], s.extra, 1, 1, false, s.out)).to.throw(/3 channels, weights expect 4/);
  });
});

suite('wasm pointwise', () => {
  const cases = [
    { n: 1, h: 44, w: 44, cin: 12, cout: 24, relu: true },  // block0 pw1
    { n: 2, h: 6, w: 6, cin: 192, cout: 192, relu: false },  // block3 pw2
    { n: 3, h: 1, w: 1, cin: 5, cout: 3, relu: true },       // 1x1 map, odd channels
    { n: 1, h: 3, w: 7, cin: 9, cout: 13, relu: false },     // 21 pixels: 4-px tiles + a tail of 1
    { n: 5, h: 2, w: 3, cin: 64, cout: 16, relu: true },     // YuNet head's pointwise shape
  ];
  for (const c of cases) for (const fma of [true, false]) {
    const name = `${fma ? '' : 'SIMD128 '}pw x=${c.n}x${c.h}x${c.w}x${c.cin} cout=${c.cout}${c.relu ? ' relu' : ''}`;
    test(name, async () => {
      const x = tensor([c.n, c.h, c.w, c.cin], randomArray(c.n * c.h * c.w * c.cin, 3));
      const pw = randomPw(c.cin, c.cout, 9);
      const want = pointwiseConv2dRef(x, pw, c.relu);
      const s = await stage([x], want.data.length, (l) => l.pw(pw), fma);
      assertClose(s.read(pointwise(s.heap, s.xs[0], s.extra, c.relu, s.out), want.data.length), want.data, ATOL, name);
    });
  }
});
