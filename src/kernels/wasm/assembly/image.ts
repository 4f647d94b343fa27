// The CPU path's image kernels on RGBA8 frame pixels (ImageData's layout): the classifier crops
// (crop-resize.ref.ts: TAPS x TAPS bilinear samples per crop pixel through an affine map, which
// also mirrors, edges clamped; gray or RGB) and the detector's resize (resize-to-tensor.ref.ts:
// bilinear, half-pixel centres, into the top-left of a zero-padded B, G, R tensor). One texel's
// four channels are one f32x4, so a bilinear sample is three lerps on vectors. Output rows y0..y1.
import { at, imax, imin } from './simd';

/** The RGBA texel at (x, y) clamped to the frame, as f32x4 (0..255). */
@inline function texel(src: usize, w: i32, h: i32, x: i32, y: i32): v128 {
  const p = src + ((<usize>imin(imax(y, 0), h - 1) * <usize>w + <usize>imin(imax(x, 0), w - 1)) << 2);
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

/** Bilinear sample at frame position (fx, fy) (pixel centres at +0.5 already removed). */
@inline function bilinear(src: usize, w: i32, h: i32, fx: f64, fy: f64): v128 {
  const x0 = <i32>Math.floor(fx), y0 = <i32>Math.floor(fy);
  const wx = f32x4.splat(<f32>(fx - <f64>x0)), wy = f32x4.splat(<f32>(fy - <f64>y0));
  const a = texel(src, w, h, x0, y0), b = texel(src, w, h, x0 + 1, y0);
  const c = texel(src, w, h, x0, y0 + 1), d = texel(src, w, h, x0 + 1, y0 + 1);
  const top = f32x4.add(a, f32x4.mul(f32x4.sub(b, a), wx));
  const bottom = f32x4.add(c, f32x4.mul(f32x4.sub(d, c), wx));
  return f32x4.add(top, f32x4.mul(f32x4.sub(bottom, top), wy));
}

/**
 * dst[size, size, channels] (0..255) = the crop of the w x h RGBA frame at src through the affine
 * (u, v) → (a u + b v + tx, c u + d v + ty), taps x taps samples per pixel; channels 1: gray
 * (0.299 R + 0.587 G + 0.114 B), 3: R, G, B. Rows y0..y1.
 */
export function cropResize(src: usize, w: i32, h: i32, a: f64, b: f64, c: f64, d: f64, tx: f64, ty: f64, size: i32, channels: i32, taps: i32, dst: usize, y0: i32, y1: i32): void {
  const k = imax(1, taps);
  const s = f32x4.splat(<f32>(1.0 / <f64>(k * k)));
  for (let v = y0; v < y1; v++) {
    for (let u = 0; u < size; u++) {
      let acc = f32x4.splat(0);
      for (let j = 0; j < k; j++) {
        const vv = <f64>v + (<f64>j + 0.5) / <f64>k;
        for (let i = 0; i < k; i++) {
          const uu = <f64>u + (<f64>i + 0.5) / <f64>k;
          acc = f32x4.add(acc, bilinear(src, w, h, a * uu + b * vv + tx - 0.5, c * uu + d * vv + ty - 0.5));
        }
      }
      acc = f32x4.mul(acc, s);
      const o = (v * size + u) * channels;
      if (channels == 1) {
        const g = f32x4.mul(acc, f32x4(0.299, 0.587, 0.114, 0));
        store<f32>(at(dst, o), f32x4.extract_lane(g, 0) + f32x4.extract_lane(g, 1) + f32x4.extract_lane(g, 2));
      } else {
        store<f32>(at(dst, o), f32x4.extract_lane(acc, 0));
        store<f32>(at(dst, o + 1), f32x4.extract_lane(acc, 1));
        store<f32>(at(dst, o + 2), f32x4.extract_lane(acc, 2));
      }
    }
  }
}

/**
 * dst[padH, padW, 3] = B, G, R of the frame region (ox, oy, scale per output pixel) resized to
 * inW x inH at the top-left, zero elsewhere. Rows y0..y1 of the padded tensor.
 */
export function resizeToTensor(src: usize, w: i32, h: i32, ox: f64, oy: f64, scaleX: f64, scaleY: f64, inW: i32, inH: i32, padW: i32, dst: usize, y0: i32, y1: i32): void {
  for (let y = y0; y < y1; y++) {
    const row = at(dst, y * padW * 3);
    let x = 0;
    if (y < inH) {
      const sy = oy + (<f64>y + 0.5) * scaleY - 0.5;
      for (; x < inW; x++) {
        const p = bilinear(src, w, h, ox + (<f64>x + 0.5) * scaleX - 0.5, sy);
        const o = at(row, x * 3);
        store<f32>(o, f32x4.extract_lane(p, 2));
        store<f32>(o, f32x4.extract_lane(p, 1), 4);
        store<f32>(o, f32x4.extract_lane(p, 0), 8);
      }
    }
    memory.fill(at(row, x * 3), 0, <usize>((padW - x) * 3) << 2);
  }
}
