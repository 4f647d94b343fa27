// maxpool2x2: 2x2 max-pool, stride 2, no padding, floor mode (ONNX MaxPool kernel 2, stride 2,
// ceil_mode 0): OH = floor(H/2), OW = floor(W/2); an odd last row/column is dropped.
// Layout: x [N,H,W,C] and y [N,OH,OW,C], both as vec4 (C a multiple of 4).
// One invocation: one output pixel x 4 channels (one vec4) of one image; channel groups fastest.
// Grid: x = ceil(OH*OW*C/4 / WG_SIZE); y = N.
// Bindings: 0 x, 1 y, 2 params.

struct Params {
  h: i32, w: i32, oh: i32, ow: i32,
  c4: i32, _pad0: i32, _pad1: i32, _pad2: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(2) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let px = i / p.c4;
  if (px >= p.oh * p.ow) { return; }
  let n = i32(gid.y);
  let oy = px / p.ow;
  let ox = px % p.ow;
  let r0 = ((n * p.h + oy * 2) * p.w + ox * 2) * p.c4 + cq;
  let r1 = r0 + p.w * p.c4;
  let m = max(max(x[r0], x[r0 + p.c4]), max(x[r1], x[r1 + p.c4]));
  y[((n * p.oh + oy) * p.ow + ox) * p.c4 + cq] = m;
}
