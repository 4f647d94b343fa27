// Emotion crops of detected faces on the main thread (the camera view's saliency maps and snapshot
// card), sampled exactly as the worker samples the crops it classifies: the crop policy's affine
// (crop-policy.ts) and the crop kernel's sampling (shaders/crop-resize.wgsl, through its reference
// cropResizeRef: TAPS×TAPS bilinear samples per crop pixel, gray = 0.299 R + 0.587 G + 0.114 B,
// coordinates clamped to the frame so pixels beyond a border repeat the edge pixel). The map is
// then computed on the pixels that were classified, but for one rounding: the classifier gets the
// kernel's floats, the saliency API carries bytes (each within 0.5 of them).
import { cropResizeRef, type RgbaImage, tapsFor } from '../kernels/crop-resize.ref.js';
import { type Affine, EMOTION_CROP, type FaceGeometry, affineScale, cropTransform } from './crop-policy.js';
import { FramePixels } from './frame-pixels.js';

/** `size`×`size` gray crops (bytes, rounded) of `img` through each affine, packed face after face. */
export function grayCrops(img: RgbaImage, affines: readonly Affine[], size = EMOTION_CROP.size, dst = new Uint8Array(affines.length * size * size)): Uint8Array {
  const one = new Float32Array(size * size);
  affines.forEach((m, i) => {
    cropResizeRef(img, m, size, 1, tapsFor(affineScale(m)), one);
    for (let j = 0; j < one.length; j++) dst[i * one.length + j] = Math.min(255, Math.max(0, Math.round(one[j])));
  });
  return dst;
}

/**
 * The emotion crops of `faces` (frame coordinates) from `picture`, drawn at the analysed frame's
 * width×height, and each crop's affine (crop pixel → frame pixel). `pixels` lets a caller reuse
 * its canvas between calls.
 */
export function emotionCrops(
  picture: CanvasImageSource,
  width: number,
  height: number,
  faces: readonly FaceGeometry[],
  pixels = new FramePixels(),
): { gray: Uint8Array; affines: Affine[] } {
  const affines = faces.map((f) => cropTransform(f, EMOTION_CROP));
  return { gray: grayCrops(pixels.readAt(picture, width, height), affines), affines };
}
