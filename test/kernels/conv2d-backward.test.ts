import { expect } from '@esm-bundle/chai';
import { Conv2dBackward, transposeConv } from '../../src/kernels/conv2d-backward.js';
import { conv2dBackwardRef, sumChannelsRef } from '../../src/kernels/conv2d-backward.ref.js';
import { conv2dRef, convOutSize } from '../../src/kernels/conv2d.ref.js';
import { guidedReluBackwardRef } from '../../src/kernels/relu-backward.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { dot, reluLike } from './backward-helpers.js';
import { randomConv, runKernel } from './harness.js';

const ATOL = 1e-4; // f32 sums of ≤ 9*192 products of O(1) values, in another order than the ref

// [n, h, w, k, stride, pad, cin, cout, masked, reduce]: the model's layers (3x3 valid stem, 1x1/2
// shortcut, 3x3 same head with 7 classes) plus odd sizes, stride 2 with pad, Cin not a multiple of 4.
const CASES = [
  [2, 48, 48, 3, 1, 0, 1, 12, false, true],      // emotion stem0: into the gray saliency map
  [2, 64, 64, 3, 1, 0, 3, 16, false, true],      // gender stem0: RGB summed
  [3, 46, 46, 3, 1, 0, 12, 12, true, false],     // stem1, guided against stem0's output
  [17, 11, 11, 1, 2, 0, 48, 96, false, false],   // shortcut 1x1/2, odd map
  [2, 44, 44, 1, 2, 0, 12, 24, false, false],
  [4, 3, 3, 3, 1, 1, 192, 7, false, false],      // head 3x3 same, K = 7 (scalar gradient path)
  [1, 7, 5, 3, 2, 1, 5, 6, true, false],         // stride 2 + pad, Cin 5, Cout 6
  [2, 1, 1, 3, 1, 1, 4, 8, false, false],
  [1, 9, 13, 5, 1, 2, 3, 4, true, false],
  [2, 9, 7, 3, 2, 1, 3, 8, false, false],        // few-Cin entry point, stride 2 + pad
] as const;

suite('conv2d-backward', () => {
  test('transposeConv: [KH,KW,Cin,Cout] → [KH,KW,Cout,Cin4*4]', () => {
    const t = transposeConv({ w: Float32Array.from([1, 2, 3, 4, 5, 6]), b: new Float32Array(3), kh: 1, kw: 1, cin: 2, cout: 3 });
    expect(t.cin4).to.equal(1);
    expect(Array.from(t.w)).to.deep.equal([1, 4, 0, 0, 2, 5, 0, 0, 3, 6, 0, 0]);
  });

  for (const [k, stride, pad, h] of [[3, 1, 0, 9], [1, 2, 0, 11], [3, 1, 1, 6], [3, 2, 1, 8]] as const) {
    test(`ref is the adjoint of conv2dRef: <g, conv(x)> = <conv^T(g), x> k=${k} s=${stride} p=${pad}`, () => {
      const w = { ...randomConv(k, k, 5, 6, 3), b: new Float32Array(6) };
      const x = tensor([2, h, h, 5], randomArray(2 * h * h * 5, 1));
      const y = conv2dRef(x, w, { stride, pad, relu: false });
      const g = tensor(y.shape, randomArray(y.data.length, 2));
      const gx = conv2dBackwardRef(g, w, { h, w: h, stride, pad });
      expect(dot(g.data, y.data)).to.be.closeTo(dot(gx.data, x.data), 1e-3);
    });
  }

  for (const [n, h, w, k, stride, pad, cin, cout, masked, reduce] of CASES) {
    const name = `conv${k}x${k}/${stride} pad ${pad}${masked ? ' guided' : ''}${reduce ? ' sum-C' : ''} x=${n}x${h}x${w}x${cin} cout=${cout}`;
    test(name, withDevice(async (device) => {
      const wt = randomConv(k, k, cin, cout, 11);
      const oh = convOutSize(h, k, stride, pad), ow = convOutSize(w, k, stride, pad);
      const g = tensor([n, oh, ow, cout], randomArray(n * oh * ow * cout, 7));
      const mask = tensor([n, h, w, cin], reluLike(n * h * w * cin, 8));
      let want = conv2dBackwardRef(g, wt, { h, w, stride, pad });
      if (masked) want = guidedReluBackwardRef(want, mask);
      if (reduce) want = sumChannelsRef(want);
      const got = await runKernel(device, masked ? [g.data, mask.data] : [g.data], want.data.length, n, ([gb, mb], out) =>
        Conv2dBackward.create(device, { h, w, stride, pad, reduce }, wt, { g: gb, gx: out, mask: mb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }

  test('reduce refuses more than 4 input channels', withDevice(async (device) => {
    const buf = device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE });
    let err: unknown;
    try { await Conv2dBackward.create(device, { h: 4, w: 4, stride: 1, pad: 0, reduce: true }, randomConv(3, 3, 8, 4, 1), { g: buf, gx: buf }); } catch (e) { err = e; }
    expect(String(err)).to.match(/at most 4 input channels, got 8/);
    buf.destroy();
  }));
});
