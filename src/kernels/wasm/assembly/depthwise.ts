// Depthwise 3x3, stride 1, 'same' zero padding, on NHWC f32: y = act(dw(x) + b). Four channels per
// v128; for each channel group the nine weight vectors stay in registers while the kernel sweeps a
// row (interior columns two at a time). A missing top/bottom input row reads the centre row with
// zero weights (no branch per pixel); the first and last column skip their missing taps; channels
// past the last full group of 4 run the bounds-checked scalar path.
import { at, imax, imin, madd, relu4 } from './simd';

@inline function scalarPixel(x: usize, n0: i32, h: i32, w: i32, c: i32, wt: usize, bias: usize, oy: i32, ox: i32, ch: i32): f32 {
  let a: f32 = bias ? load<f32>(at(bias, ch)) : 0;
  for (let ky = imax(0, 1 - oy); ky < imin(3, h + 1 - oy); ky++) {
    for (let kx = imax(0, 1 - ox); kx < imin(3, w + 1 - ox); kx++) {
      a += load<f32>(at(x, ((n0 * h + oy + ky - 1) * w + ox + kx - 1) * c + ch)) * load<f32>(at(wt, (ky * 3 + kx) * c + ch));
    }
  }
  return a;
}

/**
 * y[N, H, W, C] = act(depthwise3x3(x) + b) for rows oy0..oy1 of every image. bias = 0: none.
 * act: 0 none, 1 ReLU, 2 logistic sigmoid on channels 0..sig-1 (YuNet's cls/obj head channels).
 */
export function depthwise3x3(x: usize, n: i32, h: i32, w: i32, c: i32, wt: usize, bias: usize, act: i32, sig: i32, y: usize, oy0: i32, oy1: i32): void {
  const c4 = c & ~3;
  const zero = f32x4.splat(0);
  const rowB = <usize>(w * c) << 2, pxB = <usize>c << 2;
  for (let b = 0; b < n; b++) {
    for (let oy = oy0; oy < oy1; oy++) {
      const mid = at(x, ((b * h + oy) * w) * c);
      const top = oy > 0 ? mid - rowB : mid;
      const bot = oy + 1 < h ? mid + rowB : mid;
      const yRow = at(y, ((b * h + oy) * w) * c);
      for (let ch = 0; ch < c4; ch += 4) {
        const wp = at(wt, ch);
        const w0 = oy > 0 ? v128.load(wp) : zero;
        const w1 = oy > 0 ? v128.load(at(wp, c)) : zero;
        const w2 = oy > 0 ? v128.load(at(wp, 2 * c)) : zero;
        const w3 = v128.load(at(wp, 3 * c)), w4 = v128.load(at(wp, 4 * c)), w5 = v128.load(at(wp, 5 * c));
        const w6 = oy + 1 < h ? v128.load(at(wp, 6 * c)) : zero;
        const w7 = oy + 1 < h ? v128.load(at(wp, 7 * c)) : zero;
        const w8 = oy + 1 < h ? v128.load(at(wp, 8 * c)) : zero;
        const bv = bias ? v128.load(at(bias, ch)) : zero;
        const off = <usize>ch << 2;
        // Interior columns two at a time: their nine taps share six input vectors.
        let ox = 1;
        for (; ox + 2 <= w - 1; ox += 2) {
          const o = off + <usize>ox * pxB;
          const t0 = v128.load(top + o - pxB), t1 = v128.load(top + o), t2 = v128.load(top + o + pxB), t3 = v128.load(top + o + 2 * pxB);
          const m0 = v128.load(mid + o - pxB), m1 = v128.load(mid + o), m2 = v128.load(mid + o + pxB), m3 = v128.load(mid + o + 2 * pxB);
          const b0 = v128.load(bot + o - pxB), b1 = v128.load(bot + o), b2 = v128.load(bot + o + pxB), b3 = v128.load(bot + o + 2 * pxB);
          let a = madd(bv, t0, w0), p = madd(bv, t1, w0);
          a = madd(a, t1, w1); p = madd(p, t2, w1);
          a = madd(a, t2, w2); p = madd(p, t3, w2);
          a = madd(a, m0, w3); p = madd(p, m1, w3);
          a = madd(a, m1, w4); p = madd(p, m2, w4);
          a = madd(a, m2, w5); p = madd(p, m3, w5);
          a = madd(a, b0, w6); p = madd(p, b1, w6);
          a = madd(a, b1, w7); p = madd(p, b2, w7);
          a = madd(a, b2, w8); p = madd(p, b3, w8);
          v128.store(yRow + o, act == 1 ? relu4(a) : a);
          v128.store(yRow + o + pxB, act == 1 ? relu4(p) : p);
        }
        for (; ox < w - 1; ox++) {
          const o = off + <usize>ox * pxB;
          let a = madd(bv, v128.load(top + o - pxB), w0);
          a = madd(a, v128.load(top + o), w1);
          a = madd(a, v128.load(top + o + pxB), w2);
          a = madd(a, v128.load(mid + o - pxB), w3);
          a = madd(a, v128.load(mid + o), w4);
          a = madd(a, v128.load(mid + o + pxB), w5);
          a = madd(a, v128.load(bot + o - pxB), w6);
          a = madd(a, v128.load(bot + o), w7);
          a = madd(a, v128.load(bot + o + pxB), w8);
          v128.store(yRow + o, act == 1 ? relu4(a) : a);
        }
        // The first and last column on vectors too, without the taps left or right of the frame
        // (scalar, they took 15-40 % of the kernel's time on maps 320 to 44 pixels wide).
        let a = madd(bv, v128.load(top + off), w1);
        if (w > 1) a = madd(a, v128.load(top + off + pxB), w2);
        a = madd(a, v128.load(mid + off), w4);
        if (w > 1) a = madd(a, v128.load(mid + off + pxB), w5);
        a = madd(a, v128.load(bot + off), w7);
        if (w > 1) a = madd(a, v128.load(bot + off + pxB), w8);
        v128.store(yRow + off, act == 1 ? relu4(a) : a);
        if (w > 1) {
          const o = off + <usize>(w - 1) * pxB;
          let r = madd(bv, v128.load(top + o - pxB), w0);
          r = madd(r, v128.load(top + o), w1);
          r = madd(r, v128.load(mid + o - pxB), w3);
          r = madd(r, v128.load(mid + o), w4);
          r = madd(r, v128.load(bot + o - pxB), w6);
          r = madd(r, v128.load(bot + o), w7);
          v128.store(yRow + o, act == 1 ? relu4(r) : r);
        }
      }
      // Channels past the last full group of 4 (every column): scalar, bounds-checked.
      if (c4 < c) {
        for (let ox = 0; ox < w; ox++) {
          for (let ch = c4; ch < c; ch++) {
            const a = scalarPixel(x, b, h, w, c, wt, bias, oy, ox, ch);
            store<f32>(at(yRow, ox * c + ch), act == 1 && a < 0 ? 0 : a);
          }
        }
      }
      if (act == 2) {
        for (let ox = 0; ox < w; ox++) {
          for (let ch = 0; ch < sig; ch++) {
            const p = at(yRow, ox * c + ch);
            store<f32>(p, 1 / (1 + Mathf.exp(-load<f32>(p))));
          }
        }
      }
    }
  }
}
