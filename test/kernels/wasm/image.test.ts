// The wasm crop (classifier input: affine incl. mirror and rotation, 1..8 taps, gray and RGB) and
// the detector's resize (whole frame, a region past the edges, padding) against their TypeScript
// references, on odd frame sizes; and the memory growing when a larger frame comes.
import { expect } from '@esm-bundle/chai';
import { cropResizeRef, tapsFor } from '../../../src/kernels/crop-resize.ref.js';
import { type ResizeGeometry, resizeToTensorRef } from '../../../src/kernels/resize-to-tensor.ref.js';
import type { Affine } from '../../../src/kernels/types.js';
import { affineScale } from '../../../src/kernels/types.js';
import { WasmImageKernels } from '../../../src/kernels/wasm/image.js';
import { assertClose, randomArray } from '../../helpers/gpu.js';

// 0..255 scale: f32 lerps in wasm vs the f64 reference.
const ATOL = 0.01;

const image = (w: number, h: number, seed: number) => Uint8Array.from(randomArray(w * h * 4, seed, 0, 255.99), Math.floor);

/** Scale s frame px per crop px, angle deg, centre (cx, cy); mirror flips u. */
function crop(s: number, deg: number, cx: number, cy: number, size: number, mirror = false): Affine {
  const r = (deg * Math.PI) / 180, a = s * Math.cos(r) * (mirror ? -1 : 1), c = s * Math.sin(r) * (mirror ? -1 : 1);
  const bb = -s * Math.sin(r), d = s * Math.cos(r), h = size / 2;
  return { a, b: bb, c, d, tx: cx - (a * h + bb * h), ty: cy - (c * h + d * h) };
}

suite('wasm image kernels', () => {
  const cases: [string, number, number, Affine, number][] = [
    ['upright, 2 frame px per crop px', 64, 48, crop(2, 0, 32, 24, 48), 48],
    ['mirrored', 64, 48, crop(2, 0, 30, 20, 48, true), 48],
    ['rotated 17°, past the frame edge (clamped)', 37, 29, crop(1.3, 17, 5, 3, 48), 48],
    ['mirrored and rotated, 9 px per crop px (8 taps)', 401, 301, crop(9, -30, 200, 150, 32, true), 32],
    ['upscaled (1 tap), 1-pixel frame', 1, 1, crop(0.25, 0, 0.5, 0.5, 16), 16],
  ];
  for (const [name, w, h, m, size] of cases) {
    for (const channels of [1, 3] as const) {
      test(`cropResize ${channels === 1 ? 'gray' : 'RGB'} ${size}x${size}: ${name}, frame ${w}x${h}`, async () => {
        const k = await WasmImageKernels.create();
        const img = { data: image(w, h, w + h), width: w, height: h };
        const taps = tapsFor(affineScale(m));
        const n = size * size * channels;
        const want = new Float32Array(n + 5), got = new Float32Array(n + 5).fill(NaN);
        cropResizeRef(img, m, size, channels, taps, want, 5);
        k.cropResize(img, m, size, channels, taps, got, 5);
        assertClose(got.subarray(5), want.subarray(5), ATOL, name);
        expect(Number.isNaN(got[4])).to.equal(true); // before offset: untouched
      });
    }
  }

  const geoms: [string, ResizeGeometry][] = [
    ['640x480 → 320x240 in 320x256', { frameW: 640, frameH: 480, inW: 320, inH: 240, padW: 320, padH: 256 }],
    ['odd 101x77 → 160x122 (upscale) in 160x128', { frameW: 101, frameH: 77, inW: 160, inH: 122, padW: 160, padH: 128 }],
    ['a window past the edges', { frameW: 90, frameH: 70, inW: 64, inH: 64, padW: 64, padH: 64, srcX: -20, srcY: 40, srcW: 60, srcH: 60 }],
    ['1x1 frame', { frameW: 1, frameH: 1, inW: 3, inH: 2, padW: 32, padH: 32 }],
    // Scale 1 on whole pixels: the copy path, 4 pixels a step, then the odd ones.
    ['640x480 → 640x480 (scale 1)', { frameW: 640, frameH: 480, inW: 640, inH: 480, padW: 640, padH: 480 }],
    ['odd 37x29 → 37x29 in 64x32 (scale 1, padded)', { frameW: 37, frameH: 29, inW: 37, inH: 29, padW: 64, padH: 32 }],
    ['a window inside the frame at scale 1', { frameW: 90, frameH: 70, inW: 33, inH: 32, padW: 64, padH: 32, srcX: 11, srcY: 20, srcW: 33, srcH: 32 }],
    ['a window at scale 1 past the right edge (clamped)', { frameW: 90, frameH: 70, inW: 32, inH: 32, padW: 32, padH: 32, srcX: 70, srcY: 50, srcW: 32, srcH: 32 }],
  ];
  for (const [name, g] of geoms) {
    test(`resizeToTensor ${name}`, async () => {
      const k = await WasmImageKernels.create();
      const rgba = image(g.frameW, g.frameH, g.inW);
      const want = resizeToTensorRef(rgba, g);
      const got = k.resizeToTensor(rgba, g, new Float32Array(g.padW * g.padH * 3).fill(NaN));
      expect(got.shape).to.deep.equal(want.shape);
      assertClose(got.data, want.data, g.inW === (g.srcW ?? g.frameW) ? 0 : ATOL, name);
    });
  }

  test('one instance serves a small frame, then a larger one (memory grows), then the small one again', async () => {
    const k = await WasmImageKernels.create();
    for (const [w, h] of [[20, 10], [1280, 720], [20, 10]]) {
      const g = { frameW: w, frameH: h, inW: 64, inH: 32, padW: 64, padH: 64 };
      const rgba = image(w, h, w);
      assertClose(k.resizeToTensor(rgba, g).data, resizeToTensorRef(rgba, g).data, ATOL, `${w}x${h}`);
    }
  });

  test('a staged frame is cropped and resized again without restaging, and a resize for another frame size is refused', async () => {
    const k = await WasmImageKernels.create();
    const img = { data: image(50, 40, 3), width: 50, height: 40 };
    k.stageFrame(img);
    const m = crop(1.5, 10, 25, 20, 24);
    for (let i = 0; i < 2; i++) {
      const want = new Float32Array(24 * 24), got = new Float32Array(24 * 24);
      cropResizeRef(img, m, 24, 1, 2, want);
      k.cropStaged(m, 24, 1, 2, got);
      assertClose(got, want, ATOL, `crop ${i}`);
      const g = { frameW: 50, frameH: 40, inW: 32, inH: 26, padW: 32, padH: 32 };
      assertClose(k.resizeStaged(g), resizeToTensorRef(img.data, g).data, ATOL, `resize ${i}`);
    }
    expect(() => k.resizeStaged({ frameW: 60, frameH: 40, inW: 32, inH: 32, padW: 32, padH: 32 })).to.throw(/60x40 frame, 50x40 staged/);
  });

  test('too few bytes for the frame size is an error', async () => {
    const k = await WasmImageKernels.create();
    expect(() => k.resizeToTensor(new Uint8Array(10), { frameW: 4, frameH: 4, inW: 4, inH: 4, padW: 4, padH: 4 })).to.throw(/10 bytes for a 4x4 RGBA frame/);
  });
});
