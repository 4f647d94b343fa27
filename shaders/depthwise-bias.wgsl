// depthwise-bias: 3x3 depthwise convolution, stride 1, zero padding 1 ('same'), plus a per-channel
// bias and an activation: YuNet's depthwise convs (BN folded into weight and bias, then ReLU) and
// its packed heads (bias, sigmoid on the leading cls/obj channels, written into a shared buffer).
// Layout: x [N,H,W,C] as vec4 (C a multiple of 4); w [3,3,C] as vec4; b [C] as vec4;
// y [N,H,W,C] as vec4, starting at vec4 index p.out_offset (the heads of all strides share one
// output buffer, read back at once).
// Entry points:
//   main               y [N,H,W,C]. One invocation: 4 horizontally adjacent output pixels x 4
//                      channels (one vec4): the 6 input columns of each kernel row are loaded once
//                      and shared by the 4 outputs. Grid: x = ceil(H * ceil(W/4) * C/4 / WG_SIZE).
//   depthwiseBiasPool  y [N,OH,OW,C] = maxpool2x2/2 (floor) of the activated conv: YuNet's
//                      dw → ReLU → MaxPool in one dispatch, the full-size map never written.
//                      One invocation: one pooled pixel x 4 channels, from a 4x4 input window.
//                      Grid: x = ceil(OH * OW * C/4 / WG_SIZE).
// Channel groups are fastest across invocations, so neighbouring lanes load neighbouring vec4s.
// Grid y = N. Bindings: 0 x, 1 w, 2 b, 3 y, 4 params.

struct Params {
  h: i32, w: i32, c4: i32, out_offset: i32,
  oh: i32, ow: i32, _pad0: i32, _pad1: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;         // 0 none, 1 relu, 2 sigmoid on channels < SIGMOID_CH
override SIGMOID_CH: i32 = 0;

fn act(v: vec4f, cq: i32) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  if (ACT == 2u) {
    let ch = vec4i(cq * 4) + vec4i(0, 1, 2, 3);
    return select(v, 1.0 / (1.0 + exp(-v)), ch < vec4i(SIGMOID_CH));
  }
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
  let ox = ((i / p.c4) % xblocks) * 4;
  let oy = i / (p.c4 * xblocks);
  if (oy >= p.h) { return; }
  let n = i32(gid.y);

  let b = bias[cq];
  var a0 = b;
  var a1 = b; var a2 = b; var a3 = b;
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
  let o = p.out_offset + ((n * p.h + oy) * p.w + ox) * p.c4 + cq;
  y[o] = act(a0, cq);
  if (ox + 1 < p.w) { y[o + p.c4] = act(a1, cq); }
  if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a2, cq); }
  if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a3, cq); }
}

// Activation after the max: ReLU and the sigmoid are monotonic, so max(act(a)) = act(max(a)).
@compute @workgroup_size(WG_SIZE)
fn depthwiseBiasPool(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let px = i / p.c4;
  if (px >= p.oh * p.ow) { return; }
  let n = i32(gid.y);
  let oy = (px / p.ow) * 2;
  let ox = (px % p.ow) * 2;
  let b = bias[cq];
  var a00 = b;
  var a01 = b; var a10 = b; var a11 = b;
  // Input rows oy-1 .. oy+2: row r feeds output row 0 with kernel row r (r <= 2) and output row 1
  // with kernel row r-1 (r >= 1).
  for (var r = 0; r < 4; r++) {
    let iy = oy + r - 1;
    if (iy < 0 || iy >= p.h) { continue; }
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq);
    let v1 = tap(row, ox, cq);
    let v2 = tap(row, ox + 1, cq);
    let v3 = tap(row, ox + 2, cq);
    if (r <= 2) {
      let w0 = wt[(r * 3) * p.c4 + cq];
      let w1 = wt[(r * 3 + 1) * p.c4 + cq];
      let w2 = wt[(r * 3 + 2) * p.c4 + cq];
      a00 += v0 * w0 + v1 * w1 + v2 * w2;
      a01 += v1 * w0 + v2 * w1 + v3 * w2;
    }
    if (r >= 1) {
      let k = r - 1;
      let w0 = wt[(k * 3) * p.c4 + cq];
      let w1 = wt[(k * 3 + 1) * p.c4 + cq];
      let w2 = wt[(k * 3 + 2) * p.c4 + cq];
      a10 += v0 * w0 + v1 * w1 + v2 * w2;
      a11 += v1 * w0 + v2 * w1 + v3 * w2;
    }
  }
  y[p.out_offset + ((n * p.oh + oy / 2) * p.ow + ox / 2) * p.c4 + cq] = act(max(max(a00, a01), max(a10, a11)), cq);
}
