import { expect } from '@esm-bundle/chai';
import { Conv2d, conv2dEntryPoint, padCout } from '../../src/kernels/conv2d.js';
import { conv2dRef, convOutSize } from '../../src/kernels/conv2d.ref.js';
import { tensor } from '../../src/kernels/tensor.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { randomConv, runKernel } from './harness.js';

// f32 kernels vs the f32 CPU reference: differences come only from summation order.
const ATOL = 1e-4;

interface Case { n: number; h: number; w: number; cin: number; cout: number; k: number; stride: number; pad: number; relu: boolean; affine?: boolean }

const cases: Case[] = [
  { n: 1, h: 48, w: 48, cin: 1, cout: 8, k: 3, stride: 1, pad: 0, relu: true, affine: true }, // stem0
  { n: 2, h: 46, w: 46, cin: 8, cout: 8, k: 3, stride: 1, pad: 0, relu: true },               // stem1
  { n: 3, h: 3, w: 3, cin: 128, cout: 7, k: 3, stride: 1, pad: 1, relu: false },             // head
  { n: 17, h: 11, w: 11, cin: 8, cout: 16, k: 1, stride: 2, pad: 0, relu: false },           // shortcut, odd map
  { n: 1, h: 5, w: 7, cin: 3, cout: 5, k: 3, stride: 2, pad: 1, relu: true },                // odd everything
  { n: 2, h: 1, w: 1, cin: 4, cout: 12, k: 3, stride: 1, pad: 1, relu: false },              // 1x1 map, all padding
  { n: 17, h: 6, w: 5, cin: 16, cout: 32, k: 1, stride: 2, pad: 0, relu: true },
  { n: 2, h: 48, w: 48, cin: 1, cout: 12, k: 3, stride: 1, pad: 0, relu: true, affine: true }, // stem0 x1.5
  { n: 1, h: 46, w: 46, cin: 12, cout: 12, k: 3, stride: 1, pad: 0, relu: true },             // stem1 x1.5
  { n: 3, h: 7, w: 9, cin: 6, cout: 8, k: 3, stride: 1, pad: 1, relu: false },
  { n: 17, h: 7, w: 5, cin: 8, cout: 24, k: 3, stride: 2, pad: 1, relu: true },               // 12-ch tile, 2 groups, odd
];

suite('conv2d', () => {
  test('padCout pads Cout to 8 with zeros, row by row', () => {
    const p = padCout({ w: Float32Array.from([1, 2, 3, 4, 5, 6]), b: Float32Array.from([7, 8, 9]), kh: 1, kw: 1, cin: 2, cout: 3 });
    expect(p.coutPad).to.equal(8);
    expect(Array.from(p.w)).to.deep.equal([1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
    expect(Array.from(p.b)).to.deep.equal([7, 8, 9, 0, 0, 0, 0, 0]);
    expect(padCout({ w: new Float32Array(24), b: new Float32Array(12), kh: 1, kw: 1, cin: 2, cout: 12 }, 12).coutPad).to.equal(12);
  });

  test('conv2dRef matches a hand-computed 3x3 same conv', () => {
    // 1x3x3x1 input 1..9, all-ones 3x3 kernel, bias 1: centre = 45 + 1, corner (0,0) = 1+2+4+5 + 1.
    const x = tensor([1, 3, 3, 1], Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const y = conv2dRef(x, { w: new Float32Array(9).fill(1), b: Float32Array.from([1]), kh: 3, kw: 3, cin: 1, cout: 1 }, { stride: 1, pad: 1, relu: false });
    expect(y.shape).to.deep.equal([1, 3, 3, 1]);
    expect(y.data[4]).to.equal(46);
    expect(y.data[0]).to.equal(13);
    const a = conv2dRef(x, { w: new Float32Array(9).fill(1), b: Float32Array.from([0]), kh: 3, kw: 3, cin: 1, cout: 1 }, { stride: 1, pad: 0, relu: false, inScale: 2, inOffset: -1 });
    expect(Array.from(a.data)).to.deep.equal([2 * 45 - 9]);
  });

  test('entry point choice: scalar, vec4 out, vec4 in and out (12-channel tile when Cout % 12 == 0)', () => {
    expect([conv2dEntryPoint(128, 7), conv2dEntryPoint(1, 12), conv2dEntryPoint(12, 12), conv2dEntryPoint(6, 8), conv2dEntryPoint(8, 16)])
      .to.deep.equal(['conv2d', 'conv2dVec4Out', 'conv2dVec4x3', 'conv2dVec4Out', 'conv2dVec4']);
  });

  for (const c of cases) {
    const name = `${conv2dEntryPoint(c.cin, c.cout)} conv${c.k}x${c.k} s${c.stride} p${c.pad}${c.relu ? ' relu' : ''}${c.affine ? ' affine' : ''} x=${c.n}x${c.h}x${c.w}x${c.cin} cout=${c.cout}`;
    test(name, withDevice(async (device) => {
      const x = tensor([c.n, c.h, c.w, c.cin], randomArray(c.n * c.h * c.w * c.cin, 11, c.affine ? 0 : -1, c.affine ? 255 : 1));
      const w = randomConv(c.k, c.k, c.cin, c.cout, 5);
      const affine = c.affine ? { scale: 2 / 255, offset: -1 } : undefined;
      const want = conv2dRef(x, w, { stride: c.stride, pad: c.pad, relu: c.relu, inScale: affine?.scale, inOffset: affine?.offset });
      const oh = convOutSize(c.h, c.k, c.stride, c.pad), ow = convOutSize(c.w, c.k, c.stride, c.pad);
      expect(want.shape).to.deep.equal([c.n, oh, ow, c.cout]);
      const got = await runKernel(device, [x.data], want.data.length, c.n, ([xb], yb) =>
        Conv2d.create(device, { h: c.h, w: c.w, stride: c.stride, pad: c.pad, relu: c.relu, inAffine: affine }, w, { x: xb, y: yb }));
      assertClose(got, want.data, ATOL, name);
    }));
  }
});
