// roofline: the adapter's two roofs, measured rather than read off a data sheet.
//   madPeak / fmaPeak: 8 independent vec4 chains a = a * b + c (madPeak) or fma(a, b, c) (fmaPeak) per
//     invocation, `iters` steps each: 8 * 4 * 2 FLOPs per step and no memory traffic in the loop.
//     b and c come from the uniform so the compiler can't fold the chain; the sum is stored so it
//     can't drop it. Both forms are timed because a backend may lower fma() to a slower exact call.
//   copyVec4: dst[i] = src[i], one vec4 per invocation, grid (x, y) over `count` vec4s.
//   copyVec4x8: 8 vec4s per invocation (lane-adjacent: i, i + stride, ...), count a multiple of
//     8 * stride. Software adapters pay per invocation, so this shows the memory roof itself.
// Bindings: 0 src (copy only), 1 dst, 2 params.

struct Params {
  iters: u32, count: u32, row: u32, _pad: u32,
  b: vec4f,
  c: vec4f,
}

@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;
@group(0) @binding(2) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

@compute @workgroup_size(WG_SIZE)
fn madPeak(@builtin(global_invocation_id) gid: vec3u) {
  let b = p.b;
  let c = p.c;
  var a0 = vec4f(f32(gid.x) * 1e-6);
  var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  for (var i = 0u; i < p.iters; i++) {
    a0 = a0 * b + c; a1 = a1 * b + c; a2 = a2 * b + c; a3 = a3 * b + c;
    a4 = a4 * b + c; a5 = a5 * b + c; a6 = a6 * b + c; a7 = a7 * b + c;
  }
  dst[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

@compute @workgroup_size(WG_SIZE)
fn fmaPeak(@builtin(global_invocation_id) gid: vec3u) {
  let b = p.b;
  let c = p.c;
  var a0 = vec4f(f32(gid.x) * 1e-6);
  var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  for (var i = 0u; i < p.iters; i++) {
    a0 = fma(a0, b, c); a1 = fma(a1, b, c); a2 = fma(a2, b, c); a3 = fma(a3, b, c);
    a4 = fma(a4, b, c); a5 = fma(a5, b, c); a6 = fma(a6, b, c); a7 = fma(a7, b, c);
  }
  dst[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

@compute @workgroup_size(WG_SIZE)
fn copyVec4(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.y * p.row + gid.x;
  if (i < p.count) { dst[i] = src[i]; }
}

@compute @workgroup_size(WG_SIZE)
fn copyVec4x8(@builtin(global_invocation_id) gid: vec3u) {
  let stride = p.count / 8u;
  let i = gid.y * p.row + gid.x;
  if (i >= stride) { return; }
  for (var k = 0u; k < 8u; k++) { dst[i + k * stride] = src[i + k * stride]; }
}
