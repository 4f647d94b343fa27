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
 * inW x inH at the top-left, zero elsewhere. Rows y0..y1 of the padded tensor. A row at scale 1 on
 * whole pixels inside the frame (a 640x480 camera frame into YuNet's 640x480 input) is a plain
 * conversion, four pixels a step: its bilinear weights are all 0, so the result is the same.
 */
export function resizeToTensor(src: usize, w: i32, h: i32, ox: f64, oy: f64, scaleX: f64, scaleY: f64, inW: i32, inH: i32, padW: i32, dst: usize, y0: i32, y1: i32): void {
  const copyX = scaleX == 1.0 && ox == Math.floor(ox) && ox >= 0 && ox + <f64>inW <= <f64>w;
  for (let y = y0; y < y1; y++) {
    const row = at(dst, y * padW * 3);
    let x = 0;
    if (y < inH) {
      const sy = oy + (<f64>y + 0.5) * scaleY - 0.5;
      if (copyX && scaleY == 1.0 && sy == Math.floor(sy) && sy >= 0 && sy < <f64>h) {
        const p = src + ((<usize>(<i32>sy) * <usize>w + <usize>(<i32>ox)) << 2);
        for (; x + 4 <= inW; x += 4) {
          // R0 G0 B0 A0 R1 ... → B0 G0 R0 B1 | G1 R1 B2 G2 | R2 B3 G3 R3 as floats.
          const v = i8x16.shuffle(v128.load(p + (<usize>x << 2)), v128.splat<i32>(0), 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 16, 16, 16, 16);
          const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
          const o = at(row, x * 3);
          v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)));
          v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), 16);
          v128.store(o, f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), 32);
        }
      }
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

/**
 * RGBA8 (alpha 255) at dst, rows y0..y1 of a w x h frame, from 4:2:0 video planes: luma at yp (row
 * stride yStride bytes), chroma at up / vp (stride uvStride; uvStep 1: separate planes as in I420,
 * 2: interleaved U, V as in NV12), each chroma sample shared by a 2x2 block of pixels. Per pixel,
 * l = (Y - yOff) * yScale, u = U - 128, v = V - 128; R = l + rv v, G = l - gu u - gv v, B = l + bu u
 * (the matrix and range folded into those numbers by the caller), rounded and clamped to 0..255.
 */
export function yuvToRgba(yp: usize, yStride: i32, up: usize, vp: usize, uvStride: i32, uvStep: i32, w: i32, h: i32,
  yOff: f32, yScale: f32, rv: f32, gu: f32, gv: f32, bu: f32, dst: usize, y0: i32, y1: i32): void {
  const off = f32x4.splat(yOff), sc = f32x4.splat(yScale), half = f32x4.splat(128);
  const RV = f32x4.splat(rv), GU = f32x4.splat(gu), GV = f32x4.splat(gv), BU = f32x4.splat(bu);
  const alpha = i32x4.splat(255);
  for (let y = y0; y < y1; y++) {
    const yr = yp + <usize>(y * yStride);
    const ur = up + <usize>((y >> 1) * uvStride), vr = vp + <usize>((y >> 1) * uvStride);
    const out = dst + (<usize>(y * w) << 2);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const l = f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(yr + <usize>x)))), off), sc);
      // Chroma of pixels x..x+3: samples x/2 and x/2 + 1, each twice.
      const c = <usize>((x >> 1) * uvStep);
      const u0 = <i32>load<u8>(ur + c), u1 = <i32>load<u8>(ur + c + <usize>uvStep);
      const v0 = <i32>load<u8>(vr + c), v1 = <i32>load<u8>(vr + c + <usize>uvStep);
      const u = f32x4.sub(f32x4.convert_i32x4_s(i32x4(u0, u0, u1, u1)), half);
      const v = f32x4.sub(f32x4.convert_i32x4_s(i32x4(v0, v0, v1, v1)), half);
      const r = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.add(l, f32x4.mul(RV, v))));
      const g = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.sub(f32x4.sub(l, f32x4.mul(GU, u)), f32x4.mul(GV, v))));
      const b = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.add(l, f32x4.mul(BU, u))));
      // Saturating narrows clamp to 0..255: r0..r3 g0..g3 b0..b3 a a a a, then interleaved per pixel.
      const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(r, g), i16x8.narrow_i32x4_s(b, alpha));
      v128.store(out + (<usize>x << 2), i8x16.shuffle(bytes, bytes, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    }
    for (; x < w; x++) {
      const l = (<f32>load<u8>(yr + <usize>x) - yOff) * yScale;
      const c = <usize>((x >> 1) * uvStep);
      const u = <f32>load<u8>(ur + c) - 128, v = <f32>load<u8>(vr + c) - 128;
      const o = out + (<usize>x << 2);
      store<u8>(o, clampByte(l + rv * v));
      store<u8>(o, clampByte(l - gu * u - gv * v), 1);
      store<u8>(o, clampByte(l + bu * u), 2);
      store<u8>(o, 255, 3);
    }
  }
}

/** Rounded to nearest (ties to even, as f32x4.nearest) and clamped to 0..255. */
@inline function clampByte(x: f32): u8 {
  const r = nearest<f32>(x);
  return <u8>(r < 0 ? 0 : r > 255 ? 255 : <i32>r);
}
