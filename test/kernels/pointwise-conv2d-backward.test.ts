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

  test('transposePointwise transposes W row by row, with a zero bias', () => {
    // [Cin=3, Cout=2] → [Cin'=2, Cout'=3]: row co holds w[0..2, co].
    const w = Float32Array.from({ length: 3 * 2 }, (_, i) => i + 1);
    const t = transposePointwise({ w, b: Float32Array.from([9, 9]), cin: 3, cout: 2 });
    expect([t.cin, t.cout]).to.deep.equal([2, 3]);
    expect(Array.from(t.w)).to.deep.equal([1, 3, 5, 2, 4, 6]);
    expect(Array.from(t.b)).to.deep.equal([0, 0, 0]);
  });

  // [n, h, w, cin, cout]: forward shapes (the gradient flows cout → cin). The kernel's tile is 8
  // pixels x 16 input-gradient channels: the shapes cover H*W % 8 = 0..7 (partial pixel tiles, also at the
  // end of every face of a batch), Cin % 16 = 4, 8, 12 (partial channel groups) and batch 1..32,
  // besides both models' layers (emotion 44/22/11/6 px, gender 60/30/15/8 px).
  const shapes = [
    [1, 44, 44, 12, 24], [3, 44, 44, 24, 24], [17, 11, 11, 8, 16], [2, 5, 7, 4, 12], [3, 1, 1, 16, 4], [1, 3, 3, 192, 192], [2, 6, 6, 96, 192], [1, 3, 3, 12, 8],
    [3, 3, 5, 8, 20], [2, 2, 7, 28, 12], [4, 2, 5, 20, 8], [2, 3, 4, 36, 4], [5, 1, 3, 44, 24], [2, 3, 7, 24, 8], [3, 1, 2, 16, 16],
    [1, 60, 60, 32, 16], [2, 30, 30, 64, 32], [2, 15, 15, 128, 64], [1, 8, 8, 256, 256], [32, 6, 6, 192, 192], [8, 11, 11, 52, 36],
  ] as const;
  for (const [n, h, w, cin, cout] of shapes) {
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
