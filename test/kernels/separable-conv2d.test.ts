import { expect } from '@esm-bundle/chai';
import { SeparableConv2d, tileQuads } from '../../src/kernels/separable-conv2d.js';
import { separableConv2dRef } from '../../src/kernels/separable-conv2d.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomDw, randomPw, runKernel } from './harness.js';

const ATOL = 1e-4; // f32 vs f32 reference, summation order only

suite('separable-conv2d', () => {
  test('tile size: 16 quads when small, fewer as Cin grows, at least 1', () => {
    expect(tileQuads(12, 16384)).to.equal(16);
    expect(tileQuads(192, 16384)).to.equal(5);
    expect(tileQuads(4096, 16384)).to.equal(1);
  });

  for (const [n, h, w, cin, cout, relu] of [
    [1, 44, 44, 12, 24, true], [2, 44, 44, 24, 24, false], [17, 11, 11, 8, 16, true], [2, 5, 7, 4, 12, false],
    [3, 1, 1, 16, 4, true], [1, 6, 6, 96, 192, true], [17, 6, 6, 192, 192, false], [2, 3, 3, 256, 8, false],
  ] as const) {
    const name = `sep dw3x3+pw1x1${relu ? ' relu' : ''} x=${n}x${h}x${w}x${cin} cout=${cout}`;
    test(name, withDevice(async (device) => {
      const x = tensor([n, h, w, cin], randomArray(n * h * w * cin, 31));
      const dw = randomDw(cin, 33), pw = randomPw(cin, cout, 35);
      const want = separableConv2dRef(x, dw, pw, relu);
      const got = await runKernel(device, [x.data], want.data.length, n, ([xb], yb) =>
        SeparableConv2d.create(device, { h, w, relu }, dw, pw, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
