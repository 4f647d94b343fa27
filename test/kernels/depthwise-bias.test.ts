import { expect } from '@esm-bundle/chai';
import { DepthwiseBias } from '../../src/kernels/depthwise-bias.js';
import { type DwAct, depthwiseBiasRef } from '../../src/kernels/depthwise-bias.ref.js';
import { depthwiseConv2dRef } from '../../src/kernels/depthwise-conv2d.ref.js';
import { maxpool2x2Ref } from '../../src/kernels/maxpool2x2.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomDw, runKernel } from './harness.js';

// f32 kernel vs f32 reference: summation order only (sigmoid outputs are within 1).
const ATOL = 1e-4;

suite('depthwise-bias', () => {
  test('ref = depthwise conv + bias, then the activation', () => {
    const x = tensor([1, 3, 5, 4], randomArray(60, 3));
    const w = randomDw(4, 4);
    const b = Float32Array.from([0.5, -0.5, 2, -2]);
    const plain = depthwiseConv2dRef(x, w);
    const got = depthwiseBiasRef(x, w, b, 'relu');
    got.data.forEach((v, i) => expect(v).to.be.closeTo(Math.max(0, plain.data[i] + b[i % 4]), 1e-6));
    const sig = depthwiseBiasRef(x, w, b, { sigmoid: 2 });
    sig.data.forEach((v, i) => {
      const pre = plain.data[i] + b[i % 4];
      expect(v).to.be.closeTo(i % 4 < 2 ? 1 / (1 + Math.exp(-pre)) : pre, 1e-6);
    });
  });

  // YuNet shapes (320x240x16 after the stem, 60x80x64, the 20x15 head) and edge shapes: 1 pixel,
  // a width that is not a multiple of 4, batch 2, sigmoid on 1 / 2 / 6 channels.
  const cases: { n: number; h: number; w: number; c: number; act: DwAct }[] = [
    { n: 1, h: 240, w: 320, c: 16, act: 'relu' },
    { n: 1, h: 60, w: 80, c: 64, act: 'relu' },
    { n: 1, h: 15, w: 20, c: 16, act: { sigmoid: 2 } },
    { n: 2, h: 7, w: 9, c: 8, act: 'none' },
    { n: 1, h: 1, w: 1, c: 4, act: 'relu' },
    { n: 3, h: 5, w: 6, c: 12, act: { sigmoid: 1 } },
    { n: 1, h: 4, w: 3, c: 8, act: { sigmoid: 6 } },
  ];
  for (const c of cases) {
    const actName = typeof c.act === 'object' ? `sigmoid${c.act.sigmoid}` : c.act;
    const name = `dw3x3+bias ${actName} x=${c.n}x${c.h}x${c.w}x${c.c}`;
    test(name, withDevice(async (device) => {
      const x = tensor([c.n, c.h, c.w, c.c], randomArray(c.n * c.h * c.w * c.c, 21, -3, 3));
      const w = randomDw(c.c, 22);
      const b = randomArray(c.c, 23, -1, 1);
      const want = depthwiseBiasRef(x, w, b, c.act);
      const got = await runKernel(device, [x.data], want.data.length, c.n, ([xb], yb) =>
        DepthwiseBias.create(device, { h: c.h, w: c.w, act: c.act }, w, b, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }

  // Fused pool: YuNet's 320x240x16 and 160x120x64 (dw → ReLU → MaxPool), odd sizes (floor drops
  // the last row/column), 2x2 (one output), batch 2, sigmoid.
  const pools: { n: number; h: number; w: number; c: number; act: DwAct }[] = [
    { n: 1, h: 240, w: 320, c: 16, act: 'relu' },
    { n: 1, h: 120, w: 160, c: 64, act: 'relu' },
    { n: 2, h: 7, w: 9, c: 8, act: 'none' },
    { n: 1, h: 2, w: 2, c: 4, act: 'relu' },
    { n: 1, h: 5, w: 6, c: 12, act: { sigmoid: 3 } },
  ];
  for (const c of pools) {
    const actName = typeof c.act === 'object' ? `sigmoid${c.act.sigmoid}` : c.act;
    const name = `dw3x3+bias ${actName} + maxpool2x2 x=${c.n}x${c.h}x${c.w}x${c.c}`;
    test(name, withDevice(async (device) => {
      const x = tensor([c.n, c.h, c.w, c.c], randomArray(c.n * c.h * c.w * c.c, 24, -3, 3));
      const w = randomDw(c.c, 25);
      const b = randomArray(c.c, 26, -1, 1);
      const want = maxpool2x2Ref(depthwiseBiasRef(x, w, b, c.act));
      const got = await runKernel(device, [x.data], want.data.length, c.n, ([xb], yb) =>
        DepthwiseBias.create(device, { h: c.h, w: c.w, act: c.act, pool: true }, w, b, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }

  test('outOffset writes after the offset and leaves the start alone', withDevice(async (device) => {
    const [h, w, c, off] = [3, 5, 8, 12];
    const x = tensor([1, h, w, c], randomArray(h * w * c, 31));
    const dw = randomDw(c, 32);
    const b = randomArray(c, 33);
    const want = depthwiseBiasRef(x, dw, b, 'none');
    const got = await runKernel(device, [x.data], off + want.data.length, 1, ([xb], yb) =>
      DepthwiseBias.create(device, { h, w, outOffset: off }, dw, b, { x: xb, y: yb }));
    expect(Array.from(got.subarray(0, off)).every(Number.isNaN)).to.equal(true);
    assertClose(got.subarray(off), want.data, ATOL, 'offset output');
  }));
});
