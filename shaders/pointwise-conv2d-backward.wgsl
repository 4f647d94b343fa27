// pointwise-conv2d-backward: input gradient of the 1x1 conv (pointwise-conv2d.wgsl), per pixel
//   gx[px, ci] = sum_co w[ci, co] * g[px, co]
// i.e. the forward kernel's matmul with W transposed and no bias.
// Layout: g [N,H,W,Cout] as vec4 (Cout a multiple of 4); wt [Cout, Cin16] as vec4, W transposed with
// Cin zero-padded to Cin16, a multiple of 16 (pointwise-conv2d-backward.ts); gx [N,H,W,Cin] as vec4
// (Cin a multiple of 4).
// One invocation: 8 pixels (consecutive in H*W order) x 16 input channels (four vec4) of one face,
// walking Cout 4 at a time: 8 g loads + 16 weight loads feed 32 mat4x4 * vec4 products (128 vec4
// FMAs, 5.3 per load), the forward kernel's tiling (pointwise-conv2d.wgsl says why).
// Edges: the pixels of a tile past the map's end (H*W not a multiple of 8) load the face's last
// pixel and are not stored; output vec4s past Cin (Cin not a multiple of 16) accumulate the zero
// padding and are not stored.
// Grid: x = ceil(ceil(H*W/8) * Cin16/16 / WG_SIZE); y = N (face index).
// Bindings: 0 g, 1 wt, 2 gx, 3 params.

struct Params {
  hw: i32, gc4: i32, xc4: i32, _pad: i32,  // pixels per face, Cout/4 (gradient in), Cin/4 (gradient out)
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 32;

// px: pixel index over the whole batch (n * H*W + pixel); cq: first of the four output vec4s.
fn store(px: i32, cq: i32, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f) {
  let o = px * p.xc4 + cq;
  gx[o] = v0;
  if (cq + 1 < p.xc4) { gx[o + 1] = v1; }
  if (cq + 2 < p.xc4) { gx[o + 2] = v2; }
  if (cq + 3 < p.xc4) { gx[o + 3] = v3; }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = (p.xc4 + 3) / 4;
  let stride = groups * 4;  // vec4s per weight row
  let i = i32(gid.x);
  let cq = (i % groups) * 4;
  let p0 = (i / groups) * 8;
  if (p0 >= p.hw) { return; }
  let n = i32(gid.y);
  let last = p.hw - 1;
  let face = n * p.hw;
  let base = face + p0;
  let q0 = base * p.gc4;
  let q1 = (face + min(p0 + 1, last)) * p.gc4;
  let q2 = (face + min(p0 + 2, last)) * p.gc4;
  let q3 = (face + min(p0 + 3, last)) * p.gc4;
  let q4 = (face + min(p0 + 4, last)) * p.gc4;
  let q5 = (face + min(p0 + 5, last)) * p.gc4;
  let q6 = (face + min(p0 + 6, last)) * p.gc4;
  let q7 = (face + min(p0 + 7, last)) * p.gc4;

  let z = vec4f(0.0);
  var a00 = z; var a01 = z; var a02 = z; var a03 = z;
  var a10 = z; var a11 = z; var a12 = z; var a13 = z;
  var a20 = z; var a21 = z; var a22 = z; var a23 = z;
  var a30 = z; var a31 = z; var a32 = z; var a33 = z;
  var a40 = z; var a41 = z; var a42 = z; var a43 = z;
  var a50 = z; var a51 = z; var a52 = z; var a53 = z;
  var a60 = z; var a61 = z; var a62 = z; var a63 = z;
  var a70 = z; var a71 = z; var a72 = z; var a73 = z;
  var r = cq;
  for (var k = 0; k < p.gc4; k++) {
    // m<c>: the weights of output vec4 cq + c for Cout 4k..4k+3, one Cout row per column, so
    // m<c> * g = g.x * row0 + g.y * row1 + g.z * row2 + g.w * row3.
    let m0 = mat4x4f(wt[r], wt[r + stride], wt[r + 2 * stride], wt[r + 3 * stride]);
    let m1 = mat4x4f(wt[r + 1], wt[r + stride + 1], wt[r + 2 * stride + 1], wt[r + 3 * stride + 1]);
    let m2 = mat4x4f(wt[r + 2], wt[r + stride + 2], wt[r + 2 * stride + 2], wt[r + 3 * stride + 2]);
    let m3 = mat4x4f(wt[r + 3], wt[r + stride + 3], wt[r + 2 * stride + 3], wt[r + 3 * stride + 3]);
    r += 4 * stride;
    let x0 = g[q0 + k];
    a00 += m0 * x0; a01 += m1 * x0; a02 += m2 * x0; a03 += m3 * x0;
    let x1 = g[q1 + k];
    a10 += m0 * x1; a11 += m1 * x1; a12 += m2 * x1; a13 += m3 * x1;
    let x2 = g[q2 + k];
    a20 += m0 * x2; a21 += m1 * x2; a22 += m2 * x2; a23 += m3 * x2;
    let x3 = g[q3 + k];
    a30 += m0 * x3; a31 += m1 * x3; a32 += m2 * x3; a33 += m3 * x3;
    let x4 = g[q4 + k];
    a40 += m0 * x4; a41 += m1 * x4; a42 += m2 * x4; a43 += m3 * x4;
    let x5 = g[q5 + k];
    a50 += m0 * x5; a51 += m1 * x5; a52 += m2 * x5; a53 += m3 * x5;
    let x6 = g[q6 + k];
    a60 += m0 * x6; a61 += m1 * x6; a62 += m2 * x6; a63 += m3 * x6;
    let x7 = g[q7 + k];
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
