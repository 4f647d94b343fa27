// upsample-add: the FPN merge of YuNet's neck, out = skip + up2(x), where up2 is a nearest 2x
// upsample as ONNX Resize(mode nearest, scales [1,1,2,2], coordinate_transformation_mode
// asymmetric, nearest_mode floor) computes it: out[y, x] reads x[floor(y/2), floor(x/2)].
// Layout: skip and out [N,H,W,C], x [N,H/2,W/2,C] (H, W even), all as vec4 (C a multiple of 4).
// One invocation: one output pixel x 4 channels (one vec4) of one image; channel groups fastest.
// Grid: x = ceil(H*W*C/4 / WG_SIZE); y = N.
// Bindings: 0 skip, 1 x, 2 out, 3 params.

struct Params {
  h: i32, w: i32, c4: i32, _pad: i32,
}

@group(0) @binding(0) var<storage, read> skip: array<vec4f>;
@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let px = i / p.c4;
  if (px >= p.h * p.w) { return; }
  let n = i32(gid.y);
  let yy = px / p.w;
  let xx = px % p.w;
  let uh = p.h / 2;
  let uw = p.w / 2;
  let o = (n * p.h * p.w + px) * p.c4 + cq;
  out[o] = skip[o] + x[((n * uh + yy / 2) * uw + xx / 2) * p.c4 + cq];
}
