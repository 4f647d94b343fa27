import { expect } from '@esm-bundle/chai';
import { PointwiseConv2dBackward, transposePointwise } from '../../src/kernels/pointwise-conv2d-backward.js';
import { pointwiseConv2dBackwardRef } from '../../src/kernels/pointwise-conv2d-backward.ref.js';
import { pointwiseConv2dRef } from '../../src/kernels/pointwise-conv2d.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { dot } from './backward-helpers.js';
import { randomPw, runKernel } from './harness.js';

const ATOL = 1e-4;

suite('pointwise-conv2d-backward', () => {
  test('ref is the adjoint of pointwiseConv2dRef (bias off)', () => {
    const w = { ...randomPw(12, 8, 4), b: new Float32Array(8) };
    const x = tensor([2, 3, 5, 12], randomArray(2 * 3 * 5 * 12, 1));
    const y = pointwiseConv2dRef(x, w);
    const g = tensor(y.shape, randomArray(y.data.length, 2));
    expect(dot(g.data, y.data)).to.be.closeTo(dot(pointwiseConv2dBackwardRef(g, w).data, x.data), 1e-3);
  });

  test('transposePointwise pads Cin to 8', () => {
    const t = transposePointwise({ w: Float32Array.from([1, 2, 3, 4]), b: new Float32Array(1), cin: 4, cout: 1 });
    expect(Array.from(t.w)).to.deep.equal([1, 2, 3, 4, 0, 0, 0, 0]);
  });

  // [n, h, w, cin, cout]: forward shapes (the gradient flows cout → cin).
  for (const [n, h, w, cin, cout] of [[1, 44, 44, 12, 24], [3, 44, 44, 24, 24], [17, 11, 11, 8, 16], [2, 5, 7, 4, 12], [3, 1, 1, 16, 4], [1, 3, 3, 192, 192], [2, 6, 6, 96, 192], [1, 3, 3, 12, 8]] as const) {
    const name = `pw1x1 backward x=${n}x${h}x${w}x${cin} cout=${cout}`;
    test(name, withDevice(async (device) => {
      const wt = randomPw(cin, cout, 21);
      const g = tensor([n, h, w, cout], randomArray(n * h * w * cout, 4));
      const want = pointwiseConv2dBackwardRef(g, wt);
      const got = await runKernel(device, [g.data], want.data.length, n, ([gb], out) =>
        PointwiseConv2dBackward.create(device, { hw: h * w }, wt, { g: gb, gx: out }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
