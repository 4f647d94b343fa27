// Small SIMD helpers shared by the kernels. `madd` is acc + a·b: one fused multiply-add in the
// relaxed-simd build (kernels-fma.wasm, used where the browser validates it), else a multiply and
// an add (plain SIMD128: Firefox and older Safari lack relaxed-simd).

@inline export function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
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
