// pointwise-conv2d: 1x1 convolution (a matmul over channels per pixel), fused bias, optional ReLU.
// Layout: x [N,H,W,Cin] as vec4 (Cin a multiple of 4); w [Cin,Cout16] as vec4 and b [Cout16] as vec4,
// Cout zero-padded to Cout16, a multiple of 16 (pointwise-conv2d.ts pads at load); y [N,H,W,Cout] as
// vec4 (Cout a multiple of 4).
// One invocation: 8 pixels (consecutive in H*W order) x 16 output channels (four vec4) of one face,
// walking Cin 4 at a time: 8 x loads + 16 weight loads feed 32 mat4x4 * vec4 products (128 vec4
// FMAs, 5.3 per load; the 4 px x 8 ch tile before it had 2.7). On SwiftShader a storage-buffer load
// costs about ten vec4 FMAs, so FMAs per load set the speed (docs/benchmarks.md). The mat4x4 form
// measured 6-8% faster there than the same sums written out per component. Plain variables, not
// arrays, hold the accumulators: SwiftShader keeps function-scope arrays in memory.
// Edges: the pixels of a tile past the map's end (H*W not a multiple of 8) load the face's last
// pixel and are not stored; output vec4s past Cout (Cout not a multiple of 16) accumulate the zero
// padding and are not stored.
// Grid: x = ceil(ceil(H*W/8) * Cout16/16 / WG_SIZE); y = N (face index).
// Bindings: 0 x, 1 w, 2 b, 3 y, 4 params.

struct Params {
  hw: i32, cin4: i32, cout4: i32, _pad: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;  // 0 none, 1 relu

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

// px: pixel index over the whole batch (n * H*W + pixel); cq: first of the four output vec4s.
fn store(px: i32, cq: i32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  let o = px * p.cout4 + cq;
  y[o] = act(v0);
  if (cq + 1 < p.cout4) { y[o + 1] = act(v1); }
  if (cq + 2 < p.cout4) { y[o + 2] = act(v2); }
  if (cq + 3 < p.cout4) { y[o + 3] = act(v3); }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = (p.cout4 + 3) / 4;
  let stride = groups * 4;  // vec4s per weight row
  let i = i32(gid.x);
  let cq = (i % groups) * 4;
  let p0 = (i / groups) * 8;
  if (p0 >= p.hw) { return; }
  let n = i32(gid.y);
  let last = p.hw - 1;
  let face = n * p.hw;
  let base = face + p0;
  let q0 = base * p.cin4;
  let q1 = (face + min(p0 + 1, last)) * p.cin4;
  let q2 = (face + min(p0 + 2, last)) * p.cin4;
  let q3 = (face + min(p0 + 3, last)) * p.cin4;
  let q4 = (face + min(p0 + 4, last)) * p.cin4;
  let q5 = (face + min(p0 + 5, last)) * p.cin4;
  let q6 = (face + min(p0 + 6, last)) * p.cin4;
  let q7 = (face + min(p0 + 7, last)) * p.cin4;

  let b0 = bias[cq]; let b1 = bias[cq + 1]; let b2 = bias[cq + 2]; let b3 = bias[cq + 3];
  var a00 = b0; var a01 = b1; var a02 = b2; var a03 = b3;
  var a10 = b0; var a11 = b1; var a12 = b2; var a13 = b3;
  var a20 = b0; var a21 = b1; var a22 = b2; var a23 = b3;
  var a30 = b0; var a31 = b1; var a32 = b2; var a33 = b3;
  var a40 = b0; var a41 = b1; var a42 = b2; var a43 = b3;
  var a50 = b0; var a51 = b1; var a52 = b2; var a53 = b3;
  var a60 = b0; var a61 = b1; var a62 = b2; var a63 = b3;
  var a70 = b0; var a71 = b1; var a72 = b2; var a73 = b3;
  var r = cq;
  for (var k = 0; k < p.cin4; k++) {
    // m<c>: the weights of output vec4 cq + c for Cin 4k..4k+3, one Cin row per column, so
    // m<c> * x = x.x * row0 + x.y * row1 + x.z * row2 + x.w * row3.
    let m0 = mat4x4f(wt[r], wt[r + stride], wt[r + 2 * stride], wt[r + 3 * stride]);
    let m1 = mat4x4f(wt[r + 1], wt[r + stride + 1], wt[r + 2 * stride + 1], wt[r + 3 * stride + 1]);
    let m2 = mat4x4f(wt[r + 2], wt[r + stride + 2], wt[r + 2 * stride + 2], wt[r + 3 * stride + 2]);
    let m3 = mat4x4f(wt[r + 3], wt[r + stride + 3], wt[r + 2 * stride + 3], wt[r + 3 * stride + 3]);
    r += 4 * stride;
    let x0 = x[q0 + k];
    a00 += m0 * x0; a01 += m1 * x0; a02 += m2 * x0; a03 += m3 * x0;
    let x1 = x[q1 + k];
    a10 += m0 * x1; a11 += m1 * x1; a12 += m2 * x1; a13 += m3 * x1;
    let x2 = x[q2 + k];
    a20 += m0 * x2; a21 += m1 * x2; a22 += m2 * x2; a23 += m3 * x2;
    let x3 = x[q3 + k];
    a30 += m0 * x3; a31 += m1 * x3; a32 += m2 * x3; a33 += m3 * x3;
    let x4 = x[q4 + k];
    a40 += m0 * x4; a41 += m1 * x4; a42 += m2 * x4; a43 += m3 * x4;
    let x5 = x[q5 + k];
    a50 += m0 * x5; a51 += m1 * x5; a52 += m2 * x5; a53 += m3 * x5;
    let x6 = x[q6 + k];
    a60 += m0 * x6; a61 += m1 * x6; a62 += m2 * x6; a63 += m3 * x6;
    let x7 = x[q7 + k];
    a70 += m0 * x7; a71 += m1 * x7; a72 += m2 * x7; a73 += m3 * x7;
  }
  store(base, cq, a00, a01, a02, a03);
  if (p0 + 1 <= last) { store(base + 1, cq, a10, a11, a12, a13); }
  if (p0 + 2 <= last) { store(base + 2, cq, a20, a21, a22, a23); }
  if (p0 + 3 <= last) { store(base + 3, cq, a30, a31, a32, a33); }
  if (p0 + 4 <= last) { store(base + 4, cq, a40, a41, a42, a43); }
  if (p0 + 5 <= last) { store(base + 5, cq, a50, a51, a52, a53); }
  if (p0 + 6 <= last) { store(base + 6, cq, a60, a61, a62, a63); }
  if (p0 + 7 <= last) { store(base + 7, cq, a70, a71, a72, a73); }
}
