import { expect } from '@esm-bundle/chai';
import { resizeToTensorCpu } from '../../src/kernels/resize-to-tensor.cpu.js';
import { type ResizeGeometry, resizeToTensorRef } from '../../src/kernels/resize-to-tensor.ref.js';

function frame(w: number, h: number, seed: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(w * h * 4);
  let s = seed;
  for (let i = 0; i < out.length; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

suite('resize-to-tensor (CPU fast path)', () => {
  const cases: [string, ResizeGeometry][] = [
    ['640x480 frame at scale 1', { frameW: 640, frameH: 480, inW: 640, inH: 480, padW: 640, padH: 480 }],
    ['800x600 into 640x480', { frameW: 800, frameH: 600, inW: 640, inH: 480, padW: 640, padH: 480 }],
    ['333x517 into 206x320, padded to 224x320', { frameW: 333, frameH: 517, inW: 206, inH: 320, padW: 224, padH: 320 }],
    ['a window past the top-left edge, upscaled', { frameW: 320, frameH: 240, inW: 128, inH: 128, padW: 128, padH: 128, srcX: -30.5, srcY: -12.25, srcW: 90, srcH: 90 }],
    ['a window past the bottom-right edge', { frameW: 320, frameH: 240, inW: 128, inH: 128, padW: 128, padH: 128, srcX: 250, srcY: 180, srcW: 160, srcH: 160 }],
  ];
  for (const [name, g] of cases) {
    test(`same floats as the reference: ${name}`, () => {
      const rgba = frame(g.frameW, g.frameH, g.frameW + g.inW);
      const want = resizeToTensorRef(rgba, g);
      const got = resizeToTensorCpu(rgba, g, new Float32Array(g.padW * g.padH * 3).fill(7));
      expect(got.shape).to.deep.equal(want.shape);
      let diff = 0;
      for (let i = 0; i < want.data.length; i++) if (got.data[i] !== want.data[i]) diff++;
      expect(diff, `${diff} of ${want.data.length} values differ`).to.equal(0);
    });
  }

  test('a short frame buffer is refused with the sizes', () => {
    expect(() => resizeToTensorCpu(new Uint8Array(10), { frameW: 4, frameH: 4, inW: 4, inH: 4, padW: 32, padH: 32 })).to.throw(/10 bytes for a 4x4 RGBA frame/);
  });
});
