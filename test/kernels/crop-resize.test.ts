import { expect } from '@esm-bundle/chai';
import { CropResize, type CropJob } from '../../src/kernels/crop-resize.js';
import { cropResizeRef, tapsFor } from '../../src/kernels/crop-resize.ref.js';
import { type Affine, affineScale } from '../../src/vision/crop-policy.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';

const ATOL = 0.02; // 0..255 scale: f32 GPU vs f64 reference, bilinear weights only

function randomImage(w: number, h: number, seed: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(randomArray(w * h * 4, seed, 0, 255.99), Math.floor);
}

function frameTexture(device: GPUDevice, rgba: Uint8Array<ArrayBuffer>, w: number, h: number): GPUTexture {
  const t = device.createTexture({ label: 'test.frame', size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: t }, rgba, { bytesPerRow: w * 4 }, [w, h]);
  return t;
}

/** A similarity with scale s (frame px per crop px), angle deg, crop centre at (cx, cy). */
function similarity(s: number, deg: number, cx: number, cy: number, size: number): Affine {
  const r = (deg * Math.PI) / 180, a = s * Math.cos(r), c = s * Math.sin(r);
  const h = size / 2;
  return { a, b: -c, c, d: a, tx: cx - (a * h - c * h), ty: cy - (c * h + a * h) };
}

function refCrops(rgba: Uint8Array, w: number, h: number, jobs: CropJob[], G: number, C: number) {
  const gray = new Float32Array(jobs.length * G * G);
  const rgb = new Float32Array(jobs.length * C * C * 3);
  jobs.forEach((j, i) => {
    cropResizeRef({ data: rgba, width: w, height: h }, j.gray, G, 1, tapsFor(affineScale(j.gray)), gray, i * G * G);
    if (j.rgb) cropResizeRef({ data: rgba, width: w, height: h }, j.rgb, C, 3, tapsFor(affineScale(j.rgb)), rgb, i * C * C * 3);
  });
  return { gray, rgb };
}

suite('crop-resize', () => {
  test('ref: identity crop copies pixels, gray = 0.299 R + 0.587 G + 0.114 B', () => {
    const img = randomImage(5, 4, 1);
    const dst = new Float32Array(16);
    cropResizeRef({ data: img, width: 5, height: 4 }, { a: 1, b: 0, c: 0, d: 1, tx: 1, ty: 0 }, 4, 1, 1, dst);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
      const o = (y * 5 + x + 1) * 4;
      expect(dst[y * 4 + x]).to.be.closeTo(0.299 * img[o] + 0.587 * img[o + 1] + 0.114 * img[o + 2], 1e-3);
    }
  });

  test('ref: halving averages each 2x2 block (area averaging); beyond the border repeats the edge', () => {
    const img = randomImage(4, 4, 2);
    const dst = new Float32Array(2 * 2 * 3);
    cropResizeRef({ data: img, width: 4, height: 4 }, { a: 2, b: 0, c: 0, d: 2, tx: 0, ty: 0 }, 2, 3, tapsFor(2), dst);
    const at = (x: number, y: number, c: number) => img[(y * 4 + x) * 4 + c];
    expect(dst[0]).to.be.closeTo((at(0, 0, 0) + at(1, 0, 0) + at(0, 1, 0) + at(1, 1, 0)) / 4, 1e-3);
    expect(dst[3 * 3 + 2]).to.be.closeTo((at(2, 2, 2) + at(3, 2, 2) + at(2, 3, 2) + at(3, 3, 2)) / 4, 1e-3);
    const out = new Float32Array(3);
    cropResizeRef({ data: img, width: 4, height: 4 }, { a: 1, b: 0, c: 0, d: 1, tx: -10, ty: -10 }, 1, 3, 1, out);
    expect(Array.from(out)).to.deep.equal([at(0, 0, 0), at(0, 0, 1), at(0, 0, 2)]);
  });

  for (const [w, h, n, gender] of [[333, 517, 3, true], [640, 480, 1, false], [97, 61, 5, true], [640, 480, 40, true]] as const) {
    const name = `GPU vs ref frame=${w}x${h} faces=${n} gray=48${gender ? ' rgb=64' : ''}`;
    test(name, withDevice(async (device) => {
      const rgba = randomImage(w, h, w + n);
      const tex = frameTexture(device, rgba, w, h);
      const r = randomArray(n * 4, n + 3, 0, 1);
      // Scales from 0.4 (upscaling) to 11 (taps capped at 8), any angle, centres partly outside the frame.
      const jobs: CropJob[] = Array.from({ length: n }, (_, i) => ({
        gray: similarity(0.4 + r[4 * i] * 10.6, r[4 * i + 1] * 360 - 180, r[4 * i + 2] * w * 1.4 - 0.2 * w, r[4 * i + 3] * h, 48),
        ...(gender ? { rgb: similarity(0.3 + r[4 * i] * 8, r[4 * i + 1] * 90, r[4 * i + 2] * w, r[4 * i + 3] * h * 1.2 - 0.1 * h, 64) } : {}),
      }));
      const k = await CropResize.create(device, { maxFaces: 16, graySize: 48, rgbSize: 64 });
      const got = await k.run(tex, w, h, jobs);
      const want = refCrops(rgba, w, h, jobs, 48, 64);
      assertClose(got.gray, want.gray, ATOL, `${name} gray`);
      if (gender) assertClose(got.rgb!, want.rgb, ATOL, `${name} rgb`);
      else expect(got.rgb).to.equal(undefined);
      k.destroy();
      tex.destroy();
    }));
  }
});
