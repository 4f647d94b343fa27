import { expect } from '@esm-bundle/chai';
import { Maxpool2x2 } from '../../src/kernels/maxpool2x2.js';
import { maxpool2x2Ref } from '../../src/kernels/maxpool2x2.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { runKernel } from './harness.js';

suite('maxpool2x2', () => {
  test('ref: 2x2 windows, floor mode drops an odd last row and column', () => {
    const x = tensor([1, 3, 3, 1], Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const y = maxpool2x2Ref(x);
    expect(y.shape).to.deep.equal([1, 1, 1, 1]);
    expect(Array.from(y.data)).to.deep.equal([5]);
  });

  // Max is exact: any difference is a wrong index.
  for (const [n, h, w, c] of [[1, 320, 240, 16], [1, 80, 60, 64], [2, 7, 9, 8], [1, 2, 2, 4], [3, 5, 4, 12]] as const) {
    const name = `maxpool2x2 x=${n}x${h}x${w}x${c}`;
    test(name, withDevice(async (device) => {
      const x = tensor([n, h, w, c], randomArray(n * h * w * c, 41, -2, 1));
      const want = maxpool2x2Ref(x);
      const got = await runKernel(device, [x.data], want.data.length, n, ([xb], yb) => Maxpool2x2.create(device, { h, w, c }, { x: xb, y: yb }));
      assertClose(got, want.data, 0, name);
    }));
  }
});
