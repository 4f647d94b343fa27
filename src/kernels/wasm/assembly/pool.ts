// The small memory-bound kernels on NHWC f32: the residual tail (3x3/2 max-pool + add), YuNet's
// 2x2/2 max-pool and nearest-2x upsample + add, and the head's global average pool. Four channels
// per v128, a scalar loop for the channel tail.
import { at, imax, imin } from './simd';

/** out[N, OH, OW, C] = maxpool3x3/2 pad 1 (-inf)(y[N, H, W, C]) + r; out may be r. Output rows oy0..oy1. */
export function maxpool3s2Add(y: usize, n: i32, h: i32, w: i32, c: i32, r: usize, out: usize, oy0: i32, oy1: i32): void {
  const oh = (h - 1) / 2 + 1, ow = (w - 1) / 2 + 1;
  const c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let oy = oy0; oy < oy1; oy++) {
      const iy0 = imax(0, 2 * oy - 1), iy1 = imin(h, 2 * oy + 2);
      for (let ox = 0; ox < ow; ox++) {
        const ix0 = imax(0, 2 * ox - 1), ix1 = imin(w, 2 * ox + 2);
        const o = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c4; ch += 4) {
          let m = f32x4.splat(-Infinity);
          for (let iy = iy0; iy < iy1; iy++) {
            for (let ix = ix0; ix < ix1; ix++) m = f32x4.max(m, v128.load(at(y, ((b * h + iy) * w + ix) * c + ch)));
          }
          v128.store(at(out, o + ch), f32x4.add(v128.load(at(r, o + ch)), m));
        }
        for (let ch = c4; ch < c; ch++) {
          let m: f32 = -Infinity;
          for (let iy = iy0; iy < iy1; iy++) {
            for (let ix = ix0; ix < ix1; ix++) m = max(m, load<f32>(at(y, ((b * h + iy) * w + ix) * c + ch)));
          }
          store<f32>(at(out, o + ch), load<f32>(at(r, o + ch)) + m);
        }
      }
    }
  }
}

/** y[N, H/2, W/2, C] = maxpool2x2/2(x[N, H, W, C]) (floor). */
export function maxpool2x2(x: usize, n: i32, h: i32, w: i32, c: i32, y: usize): void {
  const oh = h >> 1, ow = w >> 1, c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const i = ((b * h + 2 * oy) * w + 2 * ox) * c, j = i + w * c;
        const o = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c4; ch += 4) {
          const m = f32x4.max(f32x4.max(v128.load(at(x, i + ch)), v128.load(at(x, i + c + ch))), f32x4.max(v128.load(at(x, j + ch)), v128.load(at(x, j + c + ch))));
          v128.store(at(y, o + ch), m);
        }
        for (let ch = c4; ch < c; ch++) {
          store<f32>(at(y, o + ch), max(max(load<f32>(at(x, i + ch)), load<f32>(at(x, i + c + ch))), max(load<f32>(at(x, j + ch)), load<f32>(at(x, j + c + ch)))));
        }
      }
    }
  }
}

/** out[N, H, W, C] = skip + nearest-2x-upsample(x[N, H/2, W/2, C]); out may be skip. */
export function upsampleAdd(skip: usize, x: usize, n: i32, h: i32, w: i32, c: i32, out: usize): void {
  const uh = h >> 1, uw = w >> 1, c4 = c & ~3;
  for (let b = 0; b < n; b++) {
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const o = ((b * h + yy) * w + xx) * c;
        const s = ((b * uh + (yy >> 1)) * uw + (xx >> 1)) * c;
        for (let ch = 0; ch < c4; ch += 4) v128.store(at(out, o + ch), f32x4.add(v128.load(at(skip, o + ch)), v128.load(at(x, s + ch))));
        for (let ch = c4; ch < c; ch++) store<f32>(at(out, o + ch), load<f32>(at(skip, o + ch)) + load<f32>(at(x, s + ch)));
      }
    }
  }
}

/** out[N, C] = mean over the HW pixels of y[N, HW, C]. */
export function globalAvgPool(y: usize, n: i32, hw: i32, c: i32, out: usize): void {
  const inv: f32 = 1 / <f32>hw;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let s: f32 = 0;
      for (let p = 0; p < hw; p++) s += load<f32>(at(y, (b * hw + p) * c + ch));
      store<f32>(at(out, b * c + ch), s * inv);
    }
  }
}

/** y[i] = x[i] * scale + offset for i < count (pixels 0..255 → network input). */
export function affine(x: usize, count: i32, scale: f32, offset: f32, y: usize): void {
  for (let i = 0; i < count; i++) store<f32>(at(y, i), load<f32>(at(x, i)) * scale + offset);
}
