import { expect } from '@esm-bundle/chai';
import { tensor } from '../../src/kernels/tensor.js';
import { UpsampleAdd } from '../../src/kernels/upsample-add.js';
import { upsampleAddRef } from '../../src/kernels/upsample-add.ref.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { runKernel } from './harness.js';

suite('upsample-add', () => {
  test('ref: out[y,x] = skip[y,x] + x[floor(y/2), floor(x/2)]', () => {
    const skip = tensor([1, 2, 4, 1], Float32Array.from([0, 0, 0, 0, 10, 10, 10, 10]));
    const x = tensor([1, 1, 2, 1], Float32Array.from([1, 2]));
    expect(Array.from(upsampleAddRef(skip, x).data)).to.deep.equal([1, 1, 2, 2, 11, 11, 12, 12]);
    expect(() => upsampleAddRef(tensor([1, 3, 4, 1]), x)).to.throw(/not half/);
  });

  // One f32 add per element: exact.
  for (const [n, h, w, c] of [[1, 60, 80, 64], [1, 30, 40, 64], [2, 6, 10, 8], [1, 2, 2, 4]] as const) {
    const name = `up2+add out=${n}x${h}x${w}x${c}`;
    test(name, withDevice(async (device) => {
      const skip = tensor([n, h, w, c], randomArray(n * h * w * c, 51));
      const x = tensor([n, h / 2, w / 2, c], randomArray((n * h * w * c) / 4, 52));
      const want = upsampleAddRef(skip, x);
      const got = await runKernel(device, [skip.data, x.data], want.data.length, n, ([sb, xb], out) =>
        UpsampleAdd.create(device, { h, w, c }, { skip: sb, x: xb, out }));
      assertClose(got, want.data, 0, name);
    }));
  }
});
