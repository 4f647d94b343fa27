import { expect } from '@esm-bundle/chai';
import { MaxpoolAddBackward } from '../../src/kernels/maxpool-add-backward.js';
import { maxpoolAddBackwardRef, maxpoolBackwardRef } from '../../src/kernels/maxpool-add-backward.ref.js';
import { maxpoolAddRef, poolOutSize } from '../../src/kernels/maxpool-add.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { runKernel } from './harness.js';

/** Integer-valued maps from a few levels: many ties, so the first-maximum rule is exercised. */
function tied(n: number, seed: number, levels = 3): Float32Array {
  return randomArray(n, seed, 0, levels).map(Math.floor);
}

suite('maxpool-add-backward', () => {
  test('ref: ties go to the first maximum in row-major window order (PyTorch max_pool2d)', () => {
    // 3x3 map of equal values: window (0,0) covers rows/cols 0..1, first tap (0,0); window (0,1)
    // covers cols 1..2, first tap (0,1); window (1,0) rows 1..2 → (1,0); window (1,1) → (1,1).
    const y = tensor([1, 3, 3, 1], new Float32Array(9).fill(2));
    const g = tensor([1, 2, 2, 1], Float32Array.from([1, 10, 100, 1000]));
    expect(Array.from(maxpoolBackwardRef(g, y).data)).to.deep.equal([1, 10, 0, 100, 1000, 0, 0, 0, 0]);
  });

  test('ref: a pixel that is the max of overlapping windows sums their gradients; residual gets g', () => {
    const y = tensor([1, 3, 3, 1], Float32Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]));
    const g = tensor([1, 2, 2, 1], Float32Array.from([1, 2, 3, 4]));
    const { gy, gr } = maxpoolAddBackwardRef(g, y);
    expect(Array.from(gy.data)).to.deep.equal([0, 0, 0, 0, 10, 0, 0, 0, 0]);
    expect(gr).to.equal(g);
  });

  test('ref agrees with the forward: sum g * maxpool(y) = sum gy * y', () => {
    const y = tensor([2, 7, 6, 4], randomArray(2 * 7 * 6 * 4, 3));
    const out = maxpoolAddRef(y, tensor([2, 4, 3, 4]));
    const g = tensor(out.shape, randomArray(out.data.length, 4));
    const gy = maxpoolBackwardRef(g, y);
    let a = 0, b = 0;
    for (let i = 0; i < g.data.length; i++) a += g.data[i] * out.data[i];
    for (let i = 0; i < y.data.length; i++) b += gy.data[i] * y.data[i];
    expect(a).to.be.closeTo(b, 1e-4);
  });

  // [n, h, w, c, ties]: the modules' maps (44, 22, 11, 6 → 22, 11, 6, 3), odd and tiny edges.
  for (const [n, h, w, c, ties] of [
    [1, 44, 44, 24, false], [3, 22, 22, 48, true], [17, 11, 11, 96, false], [2, 6, 6, 192, true],
    [2, 5, 7, 4, true], [3, 1, 1, 8, false], [1, 2, 3, 4, true], [2, 60, 60, 32, true],
  ] as const) {
    for (const onePass of [false, true]) {
      const name = `maxpool3x3/2 backward ${onePass ? 'one pass' : 'two passes'}${ties ? ' (tied values)' : ''} y=${n}x${h}x${w}x${c}`;
      test(name, withDevice(async (device) => {
        const oh = poolOutSize(h), ow = poolOutSize(w);
        const y = tensor([n, h, w, c], ties ? tied(n * h * w * c, 5) : randomArray(n * h * w * c, 5));
        const g = tensor([n, oh, ow, c], randomArray(n * oh * ow * c, 6));
        const want = maxpoolBackwardRef(g, y);
        const got = await runKernel(device, [g.data, y.data], want.data.length, n, ([gb, yb], out) =>
          MaxpoolAddBackward.create(device, { h, w, c, maxBatch: n, onePass }, { g: gb, y: yb, gy: out }));
        assertClose(got, want.data, 1e-6, name); // sums of ≤ 4 gradients
      }));
    }
  }
});
