// pointwise-conv2d-backward: input gradient of the 1x1 conv (pointwise-conv2d.wgsl), per pixel
//   gx[px, ci] = sum_co w[ci, co] * g[px, co]
// i.e. the forward kernel's matmul with W transposed and no bias.
// Layout: g [N,H,W,Cout] as vec4 (Cout a multiple of 4); wt [Cout, Cin8] as vec4, W transposed with
// Cin zero-padded to Cin8, a multiple of 8 (pointwise-conv2d-backward.ts); gx [N,H,W,Cin] as vec4
// (Cin a multiple of 4).
// One invocation: 4 pixels (consecutive in H*W order) x 8 input channels (two vec4) of one face,
// walking Cout 4 at a time: 4 g loads + 8 weight loads feed 32 vec4 FMAs (the forward's tiling).
// Grid: x = ceil(ceil(H*W/4) * Cin8/8 / WG_SIZE); y = N (face index).
// Bindings: 0 g, 1 wt, 2 gx, 3 params.

struct Params {
  hw: i32, gc4: i32, xc4: i32, _pad: i32,  // pixels per face, Cout/4 (gradient in), Cin/4 (gradient out)
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

fn store(px: i32, cq: i32, v: vec4f, e: vec4f) {
  gx[px * p.xc4 + cq] = v;
  if (cq + 1 < p.xc4) { gx[px * p.xc4 + cq + 1] = e; }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = (p.xc4 + 1) / 2;
  let stride = groups * 2;  // vec4s per weight row
  let i = i32(gid.x);
  let grp = i % groups;
  let p0 = (i / groups) * 4;
  if (p0 >= p.hw) { return; }
  let n = i32(gid.y);
  let last = p.hw - 1;
  let q0 = (n * p.hw + p0) * p.gc4;
  let q1 = (n * p.hw + min(p0 + 1, last)) * p.gc4;
  let q2 = (n * p.hw + min(p0 + 2, last)) * p.gc4;
  let q3 = (n * p.hw + min(p0 + 3, last)) * p.gc4;
  let cq = grp * 2;

  var a0 = vec4f(0.0);
  var a1 = a0; var a2 = a0; var a3 = a0;
  var e0 = a0; var e1 = a0; var e2 = a0; var e3 = a0;
  var r = cq;
  for (var k = 0; k < p.gc4; k++) {
    let w0 = wt[r]; let v0 = wt[r + 1]; r += stride;
    let w1 = wt[r]; let v1 = wt[r + 1]; r += stride;
    let w2 = wt[r]; let v2 = wt[r + 1]; r += stride;
    let w3 = wt[r]; let v3 = wt[r + 1]; r += stride;
    let x0 = g[q0 + k]; let x1 = g[q1 + k]; let x2 = g[q2 + k]; let x3 = g[q3 + k];
    a0 += x0.x * w0 + x0.y * w1 + x0.z * w2 + x0.w * w3;
    a1 += x1.x * w0 + x1.y * w1 + x1.z * w2 + x1.w * w3;
    a2 += x2.x * w0 + x2.y * w1 + x2.z * w2 + x2.w * w3;
    a3 += x3.x * w0 + x3.y * w1 + x3.z * w2 + x3.w * w3;
    e0 += x0.x * v0 + x0.y * v1 + x0.z * v2 + x0.w * v3;
    e1 += x1.x * v0 + x1.y * v1 + x1.z * v2 + x1.w * v3;
    e2 += x2.x * v0 + x2.y * v1 + x2.z * v2 + x2.w * v3;
    e3 += x3.x * v0 + x3.y * v1 + x3.z * v2 + x3.w * v3;
  }
  let base = n * p.hw + p0;
  store(base, cq, a0, e0);
  if (p0 + 1 <= last) { store(base + 1, cq, a1, e1); }
  if (p0 + 2 <= last) { store(base + 2, cq, a2, e2); }
  if (p0 + 3 <= last) { store(base + 3, cq, a3, e3); }
}
