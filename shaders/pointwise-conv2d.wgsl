// pointwise-conv2d: 1x1 convolution (a matmul over channels per pixel), fused bias, optional ReLU.
// Layout: x [N,H,W,Cin] as vec4 (Cin a multiple of 4); w [Cin,Cout8] as vec4 and b [Cout8] as vec4,
// Cout zero-padded to Cout8, a multiple of 8 (pointwise-conv2d.ts pads at load); y [N,H,W,Cout] as
// vec4 (Cout a multiple of 4).
// One invocation: 4 pixels (consecutive in H*W order) x 8 output channels (two vec4) of one face,
// walking Cin 4 at a time: 4 x loads + 8 weight loads feed 32 vec4 FMAs. Plain variables, not
// arrays, hold the accumulators: SwiftShader keeps function-scope arrays in memory.
// Grid: x = ceil(ceil(H*W/4) * Cout8/8 / WG_SIZE); y = N (face index).
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

// px: pixel index over the whole batch (n * H*W + pixel).
fn store(px: i32, cq: i32, v: vec4f, e: vec4f) {
  y[px * p.cout4 + cq] = act(v);
  if (cq + 1 < p.cout4) { y[px * p.cout4 + cq + 1] = act(e); }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = (p.cout4 + 1) / 2;
  let stride = groups * 2;  // vec4s per weight row
  let i = i32(gid.x);
  let g = i % groups;
  let p0 = (i / groups) * 4;
  if (p0 >= p.hw) { return; }
  let n = i32(gid.y);
  let last = p.hw - 1;
  let q0 = (n * p.hw + p0) * p.cin4;
  let q1 = (n * p.hw + min(p0 + 1, last)) * p.cin4;
  let q2 = (n * p.hw + min(p0 + 2, last)) * p.cin4;
  let q3 = (n * p.hw + min(p0 + 3, last)) * p.cin4;
  let cq = g * 2;

  var a0 = bias[cq];
  var a1 = a0; var a2 = a0; var a3 = a0;
  var e0 = bias[cq + 1];
  var e1 = e0; var e2 = e0; var e3 = e0;
  var r = cq;
  for (var k = 0; k < p.cin4; k++) {
    let w0 = wt[r]; let v0 = wt[r + 1]; r += stride;
    let w1 = wt[r]; let v1 = wt[r + 1]; r += stride;
    let w2 = wt[r]; let v2 = wt[r + 1]; r += stride;
    let w3 = wt[r]; let v3 = wt[r + 1]; r += stride;
    let x0 = x[q0 + k]; let x1 = x[q1 + k]; let x2 = x[q2 + k]; let x3 = x[q3 + k];
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
