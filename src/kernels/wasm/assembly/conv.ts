// Dense KxK convolution on NHWC f32, bias, optional ReLU; pointwise 1x1 is the same kernel over one
// row of pixels. Weights are [KH, KW, Cin, Cout] (Cout fastest), as the TS kernels take them, so a
// tap's Cout row is contiguous: each input value is broadcast to all lanes and multiplied with 4 or
// 8 output channels at once. Register tile: 4 output pixels x 8 output channels (8 accumulators).
// Taps outside the input are never read: each output row restricts its ky range, and pixels near
// the left/right edge run one at a time with their own kx range.
import { at, imax, imin, madd, relu4 } from './simd';

// The tile functions read taps ky0..ky1, kx0..kx1 of the window whose tap (0, 0) is at xp (rowStep:
// one input row in bytes; wStep: one weight row, Cout floats, in bytes). Plain parameters, no
// object: the kernels never allocate.

@inline function tile4x8(xp: usize, pxStep: usize, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kw: i32, cin: i32, rowStep: usize, wStep: usize, wp: usize, bp: usize, yp: usize, yStep: usize, relu: bool): void {
  let a0 = v128.load(bp), a1 = v128.load(bp, 16);
  let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
  const cinB = <usize>cin << 2;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      let xa = xp + <usize>ky * rowStep + <usize>kx * cinB;
      let wa = wp + <usize>(ky * kw + kx) * <usize>cin * wStep;
      const xe = xa + cinB;
      while (xa < xe) {
        const w0 = v128.load(wa), w1 = v128.load(wa, 16);
        let s = v128.load32_splat(xa);
        a0 = madd(a0, s, w0); a1 = madd(a1, s, w1);
        s = v128.load32_splat(xa + pxStep);
        b0 = madd(b0, s, w0); b1 = madd(b1, s, w1);
        s = v128.load32_splat(xa + 2 * pxStep);
        c0 = madd(c0, s, w0); c1 = madd(c1, s, w1);
        s = v128.load32_splat(xa + 3 * pxStep);
        d0 = madd(d0, s, w0); d1 = madd(d1, s, w1);
        xa += 4;
        wa += wStep;
      }
    }
  }
  if (relu) {
    a0 = relu4(a0); a1 = relu4(a1); b0 = relu4(b0); b1 = relu4(b1);
    c0 = relu4(c0); c1 = relu4(c1); d0 = relu4(d0); d1 = relu4(d1);
  }
  v128.store(yp, a0); v128.store(yp, a1, 16);
  v128.store(yp + yStep, b0); v128.store(yp + yStep, b1, 16);
  v128.store(yp + 2 * yStep, c0); v128.store(yp + 2 * yStep, c1, 16);
  v128.store(yp + 3 * yStep, d0); v128.store(yp + 3 * yStep, d1, 16);
}

@inline function tile4x4(xp: usize, pxStep: usize, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kw: i32, cin: i32, rowStep: usize, wStep: usize, wp: usize, bp: usize, yp: usize, yStep: usize, relu: bool): void {
  let a = v128.load(bp);
  let b = a, c = a, d = a;
  const cinB = <usize>cin << 2;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      let xa = xp + <usize>ky * rowStep + <usize>kx * cinB;
      let wa = wp + <usize>(ky * kw + kx) * <usize>cin * wStep;
      const xe = xa + cinB;
      while (xa < xe) {
        const w0 = v128.load(wa);
        a = madd(a, v128.load32_splat(xa), w0);
        b = madd(b, v128.load32_splat(xa + pxStep), w0);
        c = madd(c, v128.load32_splat(xa + 2 * pxStep), w0);
        d = madd(d, v128.load32_splat(xa + 3 * pxStep), w0);
        xa += 4;
        wa += wStep;
      }
    }
  }
  if (relu) { a = relu4(a); b = relu4(b); c = relu4(c); d = relu4(d); }
  v128.store(yp, a);
  v128.store(yp + yStep, b);
  v128.store(yp + 2 * yStep, c);
  v128.store(yp + 3 * yStep, d);
}

@inline function tile1x4(xp: usize, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kw: i32, cin: i32, rowStep: usize, wStep: usize, wp: usize, bp: usize, yp: usize, relu: bool): void {
  let a = v128.load(bp);
  const cinB = <usize>cin << 2;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      let xa = xp + <usize>ky * rowStep + <usize>kx * cinB;
      let wa = wp + <usize>(ky * kw + kx) * <usize>cin * wStep;
      const xe = xa + cinB;
      while (xa < xe) {
        a = madd(a, v128.load32_splat(xa), v128.load(wa));
        xa += 4;
        wa += wStep;
      }
    }
  }
  v128.store(yp, relu ? relu4(a) : a);
}

@inline function tile1x1(xp: usize, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kw: i32, cin: i32, rowStep: usize, wStep: usize, wp: usize, bp: usize, yp: usize, relu: bool): void {
  let a = load<f32>(bp);
  const cinB = <usize>cin << 2;
  for (let ky = ky0; ky < ky1; ky++) {
    for (let kx = kx0; kx < kx1; kx++) {
      let xa = xp + <usize>ky * rowStep + <usize>kx * cinB;
      let wa = wp + <usize>(ky * kw + kx) * <usize>cin * wStep;
      const xe = xa + cinB;
      while (xa < xe) {
        a += load<f32>(xa) * load<f32>(wa);
        xa += 4;
        wa += wStep;
      }
    }
  }
  store<f32>(yp, relu && a < 0 ? 0 : a);
}

/** All output channels of `px` pixels (4 or 1) at xp, written from yp. */
@inline function pixels(px: i32, xp: usize, pxStep: usize, ky0: i32, ky1: i32, kx0: i32, kx1: i32, kw: i32, cin: i32, rowStep: usize, wStep: usize, cout: i32, wt: usize, bias: usize, yp: usize, relu: bool): void {
  const coutB = <usize>cout << 2;
  let co = 0;
  if (px == 4) {
    for (; co + 8 <= cout; co += 8) tile4x8(xp, pxStep, ky0, ky1, kx0, kx1, kw, cin, rowStep, wStep, at(wt, co), at(bias, co), at(yp, co), coutB, relu);
    for (; co + 4 <= cout; co += 4) tile4x4(xp, pxStep, ky0, ky1, kx0, kx1, kw, cin, rowStep, wStep, at(wt, co), at(bias, co), at(yp, co), coutB, relu);
    for (; co < cout; co++) {
      for (let p = 0; p < 4; p++) tile1x1(xp + <usize>p * pxStep, ky0, ky1, kx0, kx1, kw, cin, rowStep, wStep, at(wt, co), at(bias, co), at(yp, co) + <usize>p * coutB, relu);
    }
  } else {
    for (; co + 4 <= cout; co += 4) tile1x4(xp, ky0, ky1, kx0, kx1, kw, cin, rowStep, wStep, at(wt, co), at(bias, co), at(yp, co), relu);
    for (; co < cout; co++) tile1x1(xp, ky0, ky1, kx0, kx1, kw, cin, rowStep, wStep, at(wt, co), at(bias, co), at(yp, co), relu);
  }
}

/**
 * y[N, OH, OW, Cout] = act(conv(x[N, H, W, Cin], w) + b), zero padding `pad`, OH = (H + 2 pad - KH) / stride + 1.
 * Output rows oy0..oy1 of every image (the thread pool splits rows; a single thread passes 0, OH).
 */
export function conv2d(
  x: usize, n: i32, h: i32, w: i32, cin: i32, wt: usize, bias: usize, kh: i32, kw: i32, cout: i32,
  stride: i32, pad: i32, relu: i32, y: usize, oy0: i32, oy1: i32,
): void {
  const oh = (h + 2 * pad - kh) / stride + 1;
  const ow = (w + 2 * pad - kw) / stride + 1;
  const pxStep = <usize>(stride * cin) << 2;
  // Output columns whose kx taps are all inside the input.
  const oxLo = imin(ow, (pad + stride - 1) / stride);
  const oxHi = w - kw + pad >= 0 ? imax(oxLo, imin(ow, (w - kw + pad) / stride + 1)) : oxLo;
  const rowStep = <usize>(w * cin) << 2, wStep = <usize>cout << 2;
  const relu_ = relu != 0;
  for (let b = 0; b < n; b++) {
    for (let oy = oy0; oy < oy1; oy++) {
      const iy0 = oy * stride - pad;
      const ky0 = imax(0, -iy0), ky1 = imin(kh, h - iy0);
      const rowX = (b * h + iy0) * w;
      const rowY = at(y, ((b * oh + oy) * ow) * cout);
      let ox = 0;
      while (ox < ow) {
        const ix0 = ox * stride - pad;
        const xp = at(x, (rowX + ix0) * cin);
        const yp = rowY + (<usize>(ox * cout) << 2);
        if (ox >= oxLo && ox + 4 <= oxHi) {
          pixels(4, xp, pxStep, ky0, ky1, 0, kw, kw, cin, rowStep, wStep, cout, wt, bias, yp, relu_);
          ox += 4;
        } else {
          pixels(1, xp, pxStep, ky0, ky1, imax(0, -ix0), imin(kw, w - ix0), kw, cin, rowStep, wStep, cout, wt, bias, yp, relu_);
          ox++;
        }
      }
    }
  }
}

/** y[P, Cout] = act(x[P, Cin] · w[Cin, Cout] + b) over pixels p0..p1 of P (conv2d on a 1 x P image, 1x1). */
export function pointwise(x: usize, cin: i32, wt: usize, bias: usize, cout: i32, relu: i32, y: usize, p0: i32, p1: i32): void {
  const pxStep = <usize>cin << 2, wStep = <usize>cout << 2, relu_ = relu != 0;
  let p = p0;
  for (; p + 4 <= p1; p += 4) pixels(4, at(x, p * cin), pxStep, 0, 1, 0, 1, 1, cin, 0, wStep, cout, wt, bias, at(y, p * cout), relu_);
  for (; p < p1; p++) pixels(1, at(x, p * cin), pxStep, 0, 1, 0, 1, 1, cin, 0, wStep, cout, wt, bias, at(y, p * cout), relu_);
}
