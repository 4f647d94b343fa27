import { expect } from '@esm-bundle/chai';
import { DepthwiseConv2d } from '../../src/kernels/depthwise-conv2d.js';
import { depthwiseConv2dRef } from '../../src/kernels/depthwise-conv2d.ref.js';
import { PointwiseConv2d, padPointwise } from '../../src/kernels/pointwise-conv2d.js';
import { pointwiseConv2dRef } from '../../src/kernels/pointwise-conv2d.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomDw, randomPw, runKernel } from './harness.js';

const ATOL = 1e-4; // f32 vs f32 reference, summation order only

suite('depthwise-conv2d', () => {
  test('dw ref: a centre-only kernel is the identity, all-ones sums the 3x3 neighbourhood', () => {
    const x = tensor([1, 2, 2, 1], Float32Array.from([1, 2, 3, 4]));
    const id = depthwiseConv2dRef(x, { w: Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), kh: 3, kw: 3, c: 1 });
    expect(Array.from(id.data)).to.deep.equal([1, 2, 3, 4]);
    const sum = depthwiseConv2dRef(x, { w: new Float32Array(9).fill(1), kh: 3, kw: 3, c: 1 });
    expect(Array.from(sum.data)).to.deep.equal([10, 10, 10, 10]);
  });

  for (const [n, h, w, c, relu] of [[1, 44, 44, 12, false], [17, 11, 11, 8, true], [2, 5, 7, 4, false], [3, 1, 1, 16, false], [1, 3, 3, 192, true], [17, 6, 6, 4, false]] as const) {
    const name = `dw3x3${relu ? ' relu' : ''} x=${n}x${h}x${w}x${c}`;
    test(name, withDevice(async (device) => {
      const x = tensor([n, h, w, c], randomArray(n * h * w * c, 3));
      const wt = randomDw(c, 9);
      const want = depthwiseConv2dRef(x, wt, relu);
      const got = await runKernel(device, [x.data], want.data.length, n, ([xb], yb) =>
        DepthwiseConv2d.create(device, { h, w, relu }, wt, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }

  test('dw3x3 rejects C not a multiple of 4', withDevice(async (device) => {
    const buf = device.createBuffer({ size: 64, usage: GPUBufferUsage.STORAGE });
    let err: unknown;
    try { await DepthwiseConv2d.create(device, { h: 2, w: 2 }, randomDw(6, 1), { x: buf, y: buf }); } catch (e) { err = e; }
    expect(String(err)).to.match(/C = 6 must be a multiple of 4/);
    buf.destroy();
  }));
});

suite('pointwise-conv2d', () => {
  test('padPointwise pads Cout to 8 (SeparableConv2d) and to 16 (PointwiseConv2d), row by row', () => {
    const p = padPointwise({ w: Float32Array.from([1, 2, 3, 4]), b: Float32Array.from([5, 6, 7, 8]), cin: 1, cout: 4 }, 8);
    expect(Array.from(p.w)).to.deep.equal([1, 2, 3, 4, 0, 0, 0, 0]);
    expect(Array.from(p.b)).to.deep.equal([5, 6, 7, 8, 0, 0, 0, 0]);
    const w = Float32Array.from({ length: 2 * 20 }, (_, i) => i + 1);
    const q = padPointwise({ w, b: new Float32Array(20).fill(1), cin: 2, cout: 20 }, PointwiseConv2d.TILE_CH);
    expect(q.coutPadded).to.equal(32);
    expect(Array.from(q.w.subarray(0, 32))).to.deep.equal([...w.subarray(0, 20), ...new Array(12).fill(0)]);
    expect(Array.from(q.w.subarray(32))).to.deep.equal([...w.subarray(20), ...new Array(12).fill(0)]);
    expect(Array.from(q.b)).to.deep.equal([...new Array(20).fill(1), ...new Array(12).fill(0)]);
  });

  // The kernel's tile is 8 pixels x 16 channels: the shapes cover H*W % 8 = 0..7 (partial pixel
  // tiles, also at the end of every face of a batch) and Cout % 16 = 4, 8, 12 (partial channel
  // groups), besides both models' layers (emotion 44/22/11/6 px, gender 60/30/15/8 px).
  const shapes = [
    [1, 44, 44, 12, 24, true], [17, 11, 11, 8, 16, false], [2, 5, 7, 4, 12, true], [3, 1, 1, 16, 4, false],
    [1, 3, 3, 192, 192, false], [17, 6, 6, 96, 192, true],
    [3, 3, 5, 8, 20, false], [2, 2, 7, 12, 28, true], [4, 2, 5, 20, 8, false], [2, 3, 4, 4, 36, true], [5, 1, 3, 24, 44, false],
    [2, 3, 7, 8, 24, false], [3, 1, 2, 16, 16, true], [1, 60, 60, 16, 32, true], [2, 30, 30, 32, 64, false], [2, 15, 15, 64, 128, true], [1, 8, 8, 256, 256, false], [32, 6, 6, 192, 192, false],
  ] as const;
  for (const [n, h, w, cin, cout, relu] of shapes) {
    const name = `pw1x1${relu ? ' relu' : ''} x=${n}x${h}x${w}x${cin} cout=${cout}`;
    test(name, withDevice(async (device) => {
      const x = tensor([n, h, w, cin], randomArray(n * h * w * cin, 4));
      const wt = randomPw(cin, cout, 21);
      const want = pointwiseConv2dRef(x, wt, relu);
      const got = await runKernel(device, [x.data], want.data.length, n, ([xb], yb) =>
        PointwiseConv2d.create(device, { hw: h * w, relu }, wt, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
