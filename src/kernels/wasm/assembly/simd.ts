// Small SIMD helpers shared by the kernels. `madd` is acc + a·b: two rounded ops (WebAssembly SIMD
// has no fused multiply-add outside relaxed-simd, which Firefox and older Safari lack).

@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

@inline export function relu4(v: v128): v128 {
  return f32x4.max(v, f32x4.splat(0));
}

@inline export function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

@inline export function imax(a: i32, b: i32): i32 {
  return a > b ? a : b;
}

/** Byte address of float `i` past `base` (i may be negative: wasm32 addresses wrap, and only in-bounds taps are read). */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}
