// The camera view's saliency crops (src/vision/face-crop.ts) against the crops the worker
// classifies (CropResize, shaders/crop-resize.wgsl), on faces that hang over the frame's edges.
import { expect } from '@esm-bundle/chai';
import { CropResize } from '../../src/kernels/crop-resize.js';
import { cropResizeRef, tapsFor } from '../../src/kernels/crop-resize.ref.js';
import { EMOTION_CROP, type FaceGeometry, affineScale } from '../../src/vision/crop-policy.js';
import { emotionCrops } from '../../src/vision/face-crop.js';
import { withDevice } from '../helpers/gpu.js';

const S = EMOTION_CROP.size;

/** A w×h opaque frame whose every pixel is bright and differs from its neighbours (none is black). */
function frameBytes(w: number, h: number): Uint8ClampedArray<ArrayBuffer> {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) d.set([60 + ((x * 37 + y * 11) % 190), 90 + ((x * 13 + y * 29) % 160), 40 + ((x * 7 + y * 17) % 200), 255], 4 * (y * w + x));
  }
  return d;
}

/** The gray of frame pixel (x, y), as the crop kernel computes it. */
function grayAt(d: ArrayLike<number>, w: number, x: number, y: number): number {
  const o = 4 * (y * w + x);
  return 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
}

// Box-only faces (no landmarks: the crop policy's box fallback). Upscaled (taps 1) in the 16×12
// frame, downscaled (taps 2) in the 40×30 one; each hangs off a different side or corner.
const CASES: { w: number; h: number; faces: FaceGeometry[] }[] = [
  { w: 16, h: 12, faces: [{ box: [-6, -5, 14, 14], landmarks: [] }, { box: [9, 3, 12, 12], landmarks: [] }] },
  { w: 40, h: 30, faces: [{ box: [-25, 2, 60, 60], landmarks: [] }, { box: [10, -40, 50, 50], landmarks: [] }] },
];

suite('face-crop', () => {
  for (const { w, h, faces } of CASES) {
    test(`emotionCrops: faces partly outside a ${w}x${h} frame repeat the edge pixel, as the worker's crop kernel does`, withDevice(async (device) => {
      const rgba = frameBytes(w, h);
      const bitmap = await createImageBitmap(new ImageData(rgba, w, h));
      const { gray, affines } = emotionCrops(bitmap, w, h, faces);
      bitmap.close();
      expect(gray.length).to.equal(faces.length * S * S);

      // Each crop has pixels beyond the frame, and none of them is black: they repeat the edge.
      affines.forEach((m, i) => {
        let outside = 0;
        for (let v = 0; v < S; v++) {
          for (let u = 0; u < S; u++) {
            const x = m.a * (u + 0.5) + m.b * (v + 0.5) + m.tx, y = m.c * (u + 0.5) + m.d * (v + 0.5) + m.ty;
            if (x >= -1 && x < w + 1 && y >= -1 && y < h + 1) continue; // well outside only: no blend with the interior
            outside++;
            expect(gray[i * S * S + v * S + u], `face ${i} crop (${u}, ${v}) at frame (${x.toFixed(1)}, ${y.toFixed(1)})`).to.be.greaterThan(50);
          }
        }
        expect(outside, `face ${i} has crop pixels well outside the frame`).to.be.greaterThan(20);
      });
      // The top-left crop pixel of the first face lies beyond the frame's top-left corner: frame pixel (0, 0).
      expect(gray[0]).to.equal(Math.round(grayAt(rgba, w, 0, 0)));

      // Exactly the reference crop rounded, and within rounding of what the worker classifies (GPU kernel floats).
      const ref = new Float32Array(S * S);
      affines.forEach((m, i) => {
        cropResizeRef({ data: rgba, width: w, height: h }, m, S, 1, tapsFor(affineScale(m)), ref);
        for (let j = 0; j < S * S; j++) expect(gray[i * S * S + j], `face ${i} pixel ${j}`).to.equal(Math.round(ref[j]));
      });
      const texture = device.createTexture({ label: 'test.frame', size: [w, h], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
      device.queue.writeTexture({ texture }, rgba, { bytesPerRow: w * 4 }, [w, h]);
      const kernel = await CropResize.create(device, { maxFaces: faces.length, graySize: S, rgbSize: 64 });
      const classified = (await kernel.run(texture, w, h, affines.map((m) => ({ gray: m })))).gray;
      let worst = 0;
      for (let j = 0; j < gray.length; j++) worst = Math.max(worst, Math.abs(gray[j] - classified[j]));
      expect(worst, 'max |saliency crop - classified crop|').to.be.at.most(0.52);
      kernel.destroy();
      texture.destroy();
    }));
  }
});
