import { expect } from '@esm-bundle/chai';
import { ReluBackward } from '../../src/kernels/relu-backward.js';
import { guidedReluBackwardRef } from '../../src/kernels/relu-backward.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { reluLike } from './backward-helpers.js';
import { runKernel } from './harness.js';

suite('relu-backward (guided)', () => {
  test('ref: passes only where forward > 0 and gradient > 0 (zeros block both ways)', () => {
    const g = tensor([1, 1, 1, 6], Float32Array.from([1, -1, 2, 3, 0, -2]));
    const f = tensor([1, 1, 1, 6], Float32Array.from([1, 1, 0, -1, 5, -3]));
    expect(Array.from(guidedReluBackwardRef(g, f).data)).to.deep.equal([1, 0, 0, 0, 0, 0]);
  });

  for (const [n, len] of [[1, 4], [3, 44 * 44 * 12], [17, 6 * 6 * 96], [2, 260]] as const) {
    const name = `guided relu n=${n} len=${len}`;
    test(name, withDevice(async (device) => {
      const g = tensor([n, 1, 1, len], randomArray(n * len, 5));
      const f = tensor([n, 1, 1, len], reluLike(n * len, 6));
      const want = guidedReluBackwardRef(g, f);
      const got = await runKernel(device, [g.data, f.data], want.data.length, n, ([gb, fb], out) =>
        ReluBackward.create(device, { len }, { g: gb, fwd: fb, gx: out }));
      assertClose(got, want.data, 0, name); // selects values: exact
    }));
  }
});
