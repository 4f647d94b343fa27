// The CPU's SIMD peak as the benchmark measures it (the WebGPU roofline's FMA chains, in wasm):
// 12 independent chains of acc = acc * m + c on f32x4, enough to cover the mul + add latency.
// 96 FLOPs per iteration (12 chains x 4 lanes x 2 ops).
import { madd } from './simd';

export function fmaChains(iters: i32): f32 {
  const m = f32x4.splat(0.9999999), c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < iters; i++) {
    a0 = madd(c, a0, m); a1 = madd(c, a1, m); a2 = madd(c, a2, m); a3 = madd(c, a3, m);
    a4 = madd(c, a4, m); a5 = madd(c, a5, m); a6 = madd(c, a6, m); a7 = madd(c, a7, m);
    a8 = madd(c, a8, m); a9 = madd(c, a9, m); a10 = madd(c, a10, m); a11 = madd(c, a11, m);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
