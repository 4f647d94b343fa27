// Plain-TS crop-resize (shaders/crop-resize.wgsl): the test oracle, and the CPU path of the
// camera pipeline when WebGPU is missing. Same sampling: TAPS×TAPS bilinear samples per crop
// pixel, edges clamped (replicated).
import type { Affine } from './types.js';

/** Largest TAPS per axis: beyond 8 frame pixels per crop pixel the average is sampled sparsely. */
export const MAX_TAPS = 8;

/** Samples per axis for a crop whose pixel spans `scale` frame pixels. */
export function tapsFor(scale: number): number {
  return Math.min(MAX_TAPS, Math.max(1, Math.ceil(scale - 1e-6)));
}

/** An RGBA8 image, row-major (ImageData's layout). */
export interface RgbaImage {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * One crop: size×size×channels floats (0..255) at `dst[offset..]`; channels 1 = gray
 * (0.299 R + 0.587 G + 0.114 B), 3 = RGB.
 */
export function cropResizeRef(img: RgbaImage, m: Affine, size: number, channels: 1 | 3, taps: number, dst: Float32Array, offset = 0): void {
  const { data, width: W, height: H } = img;
  const texel = (x: number, y: number, c: number) => data[(Math.min(Math.max(y, 0), H - 1) * W + Math.min(Math.max(x, 0), W - 1)) * 4 + c] / 255;
  const k = Math.max(1, taps);
  const acc = [0, 0, 0];
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < k; j++) {
        const vv = v + (j + 0.5) / k;
        for (let i = 0; i < k; i++) {
          const uu = u + (i + 0.5) / k;
          const fx = m.a * uu + m.b * vv + m.tx - 0.5;
          const fy = m.c * uu + m.d * vv + m.ty - 0.5;
          const x0 = Math.floor(fx), y0 = Math.floor(fy);
          const wx = fx - x0, wy = fy - y0;
          for (let c = 0; c < 3; c++) {
            const top = texel(x0, y0, c) * (1 - wx) + texel(x0 + 1, y0, c) * wx;
            const bottom = texel(x0, y0 + 1, c) * (1 - wx) + texel(x0 + 1, y0 + 1, c) * wx;
            acc[c] += top * (1 - wy) + bottom * wy;
          }
        }
      }
      const s = 255 / (k * k);
      const o = offset + (v * size + u) * channels;
      if (channels === 1) dst[o] = (0.299 * acc[0] + 0.587 * acc[1] + 0.114 * acc[2]) * s;
      else for (let c = 0; c < 3; c++) dst[o + c] = acc[c] * s;
    }
  }
}
