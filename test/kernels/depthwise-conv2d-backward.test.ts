import { expect } from '@esm-bundle/chai';
import { DepthwiseConv2dBackward, transposeShortcut } from '../../src/kernels/depthwise-conv2d-backward.js';
import { depthwiseConv2dBackwardRef } from '../../src/kernels/depthwise-conv2d-backward.ref.js';
import { depthwiseConv2dRef } from '../../src/kernels/depthwise-conv2d.ref.js';
import { conv2dBackwardRef } from '../../src/kernels/conv2d-backward.ref.js';
import { addRef } from '../../src/kernels/maxpool-add-backward.ref.js';
import { poolOutSize } from '../../src/kernels/maxpool-add.ref.js';
import { guidedReluBackwardRef } from '../../src/kernels/relu-backward.ref.js';
import { type Tensor, tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { dot, reluLike } from './backward-helpers.js';
import { randomConv, randomDw, runKernel } from './harness.js';

const ATOL = 1e-4;

suite('depthwise-conv2d-backward', () => {
  test('ref is the adjoint of depthwiseConv2dRef', () => {
    const w = randomDw(8, 4);
    const x = tensor([2, 7, 5, 8], randomArray(2 * 7 * 5 * 8, 1));
    const y = depthwiseConv2dRef(x, w);
    const g = tensor(y.shape, randomArray(y.data.length, 2));
    expect(dot(g.data, y.data)).to.be.closeTo(dot(depthwiseConv2dBackwardRef(g, w).data, x.data), 1e-3);
  });

  test('transposeShortcut: [Cin,Cout] → [Cout,Cin]', () => {
    const t = transposeShortcut({ w: Float32Array.from([1, 2, 3, 4, 5, 6]), b: new Float32Array(3), kh: 1, kw: 1, cin: 2, cout: 3 });
    expect(Array.from(t)).to.deep.equal([1, 4, 2, 5, 3, 6]);
  });

  // [n, h, w, c, masked, shortcut Cout (0 = none)]: module sizes of both models plus odd edges.
  for (const [n, h, w, c, masked, sc] of [
    [1, 44, 44, 12, true, 24], [3, 44, 44, 24, true, 0], [17, 11, 11, 48, false, 96], [2, 6, 6, 96, false, 192],
    [2, 5, 7, 4, false, 0], [3, 1, 1, 16, true, 8], [1, 3, 3, 192, false, 0], [2, 9, 6, 8, true, 4],
  ] as const) {
    const name = `dw3x3 backward${masked ? ' guided' : ''}${sc ? ` +shortcut(${sc})` : ''} x=${n}x${h}x${w}x${c}`;
    test(name, withDevice(async (device) => {
      const wt = randomDw(c, 9);
      const g = tensor([n, h, w, c], randomArray(n * h * w * c, 3));
      const mask = tensor([n, h, w, c], reluLike(n * h * w * c, 4));
      const oh = poolOutSize(h), ow = poolOutSize(w);
      const shortcut = sc ? randomConv(1, 1, c, sc, 12) : undefined;
      const gs = tensor([n, oh, ow, sc || 4], randomArray(n * oh * ow * (sc || 4), 5));
      let want: Tensor = depthwiseConv2dBackwardRef(g, wt);
      if (shortcut) want = addRef(want, conv2dBackwardRef(gs, shortcut, { h, w, stride: 2, pad: 0 }));
      if (masked) want = guidedReluBackwardRef(want, mask);
      const got = await runKernel(device, [g.data, mask.data, gs.data], want.data.length, n, ([gb, mb, sb], out) =>
        DepthwiseConv2dBackward.create(device, { h, w }, wt, {
          g: gb, gx: out, mask: masked ? mb : undefined, shortcut: shortcut ? { g: sb, w: shortcut } : undefined,
        }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
