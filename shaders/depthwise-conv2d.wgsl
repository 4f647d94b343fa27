// depthwise-conv2d: 3x3 depthwise convolution, stride 1, zero padding 1 ('same'), optional ReLU.
// Layout: x [N,H,W,C] and y [N,H,W,C] read as vec4 (C a multiple of 4); w [3,3,C] as vec4.
// One invocation: 4 horizontally adjacent output pixels x 4 channels (one vec4) of one face: the 6
// input columns of each kernel row are loaded once and shared by the 4 outputs (18 x loads and 9
// weight loads for 36 vec4 FMAs). Channel groups are fastest across invocations, so neighbouring
// lanes load neighbouring vec4s.
// Grid: x = ceil(H * ceil(W/4) * C/4 / WG_SIZE); y = N (face index).
// Bindings: 0 x, 1 w, 2 y, 3 params.

struct Params {
  h: i32, w: i32, c4: i32, _pad: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;  // 0 none, 1 relu

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

fn tap(row: i32, ix: i32, cq: i32) -> vec4f {
  let ok = ix >= 0 && ix < p.w;
  return select(vec4f(0.0), x[select(0, (row + ix) * p.c4 + cq, ok)], ok);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let xblocks = (p.w + 3) / 4;
  let i = i32(gid.x);
  let cq = i % p.c4;
  let bx = (i / p.c4) % xblocks;
  let oy = i / (p.c4 * xblocks);
  if (oy >= p.h) { return; }
  let n = i32(gid.y);
  let ox = bx * 4;

  var a0 = vec4f(0.0);
  var a1 = a0; var a2 = a0; var a3 = a0;
  for (var ky = 0; ky < 3; ky++) {
    let iy = oy + ky - 1;
    if (iy < 0 || iy >= p.h) { continue; }
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq);
    let v1 = tap(row, ox, cq);
    let v2 = tap(row, ox + 1, cq);
    let v3 = tap(row, ox + 2, cq);
    let v4 = tap(row, ox + 3, cq);
    let v5 = tap(row, ox + 4, cq);
    let w0 = wt[(ky * 3) * p.c4 + cq];
    let w1 = wt[(ky * 3 + 1) * p.c4 + cq];
    let w2 = wt[(ky * 3 + 2) * p.c4 + cq];
    a0 += v0 * w0 + v1 * w1 + v2 * w2;
    a1 += v1 * w0 + v2 * w1 + v3 * w2;
    a2 += v2 * w0 + v3 * w1 + v4 * w2;
    a3 += v3 * w0 + v4 * w1 + v5 * w2;
  }
  let o = ((n * p.h + oy) * p.w + ox) * p.c4 + cq;
  y[o] = act(a0);
  if (ox + 1 < p.w) { y[o + p.c4] = act(a1); }
  if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a2); }
  if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a3); }
}
