// conv2d: dense KxK convolution, any stride and zero padding, fused bias and optional ReLU, and an
// optional affine on the input load (x * in_scale + in_offset: the pixel normalisation of the first
// stem conv; padded taps stay 0 as in PyTorch, which pads the normalised input).
// Layout: x [N,H,W,Cin] f32; w [KH,KW,Cin,Cout8] read as vec4 and b [Cout8] vec4, with Cout
// zero-padded to Cout8, a multiple of 8 (conv2d.ts pads at load); y [N,OH,OW,Cout] f32 (scalar
// stores, so Cout need not be a multiple of 4: the head conv has 7).
// One invocation: 4 horizontally adjacent output pixels x 8 output channels of one face, so each x
// load feeds 8 FMAs and each weight vec4 feeds 4 (SwiftShader runs 4 invocations per SIMD row, and
// loads, not FMAs, bound a naive one-output-per-invocation kernel). Invocations along x are
// channel-group fastest, so neighbouring lanes read neighbouring weights.
// Grid: x = ceil(OH * ceil(OW/4) * G / WG_SIZE) with G = Cout groups of 8; y = N (face index).
// Bindings: 0 x, 1 w, 2 b, 3 y, 4 params.

struct Params {
  h: i32, w: i32, cin: i32, cout: i32,
  oh: i32, ow: i32, kh: i32, kw: i32,
  stride: i32, pad: i32, in_scale: f32, in_offset: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;          // 0 none, 1 relu
override IN_AFFINE: bool = false;

fn load(i: i32, ok: bool) -> f32 {
  let v = x[select(0, i, ok)];
  if (IN_AFFINE) { return select(0.0, v * p.in_scale + p.in_offset, ok); }
  return select(0.0, v, ok);
}

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

fn store(n: i32, oy: i32, ox: i32, co: i32, v: vec4f) {
  if (ox >= p.ow) { return; }
  let base = ((n * p.oh + oy) * p.ow + ox) * p.cout + co;
  let a = act(v);
  for (var j = 0; j < 4; j++) {
    if (co + j < p.cout) { y[base + j] = a[j]; }
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = (p.cout + 7) / 8;
  let xblocks = (p.ow + 3) / 4;
  let i = i32(gid.x);
  let g = i % groups;
  let bx = (i / groups) % xblocks;
  let oy = i / (groups * xblocks);
  if (oy >= p.oh) { return; }
  let n = i32(gid.y);
  let ox0 = bx * 4;
  let c4 = groups * 2;  // vec4s per weight row (Cout padded to 8 * groups)

  var a0 = bias[g * 2];
  var a1 = a0; var a2 = a0; var a3 = a0;
  var e0 = bias[g * 2 + 1];
  var e1 = e0; var e2 = e0; var e3 = e0;

  for (var ky = 0; ky < p.kh; ky++) {
    let iy = oy * p.stride + ky - p.pad;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    for (var kx = 0; kx < p.kw; kx++) {
      let ix0 = ox0 * p.stride + kx - p.pad;
      let ix1 = ix0 + p.stride;
      let ix2 = ix1 + p.stride;
      let ix3 = ix2 + p.stride;
      let ok0 = rowOk && ix0 >= 0 && ix0 < p.w;
      let ok1 = rowOk && ix1 >= 0 && ix1 < p.w;
      let ok2 = rowOk && ix2 >= 0 && ix2 < p.w;
      let ok3 = rowOk && ix3 >= 0 && ix3 < p.w;
      let q0 = (row + ix0) * p.cin;
      let q1 = (row + ix1) * p.cin;
      let q2 = (row + ix2) * p.cin;
      let q3 = (row + ix3) * p.cin;
      var r = ((ky * p.kw + kx) * p.cin) * c4 + g * 2;
      for (var ci = 0; ci < p.cin; ci++) {
        let wa = wt[r];
        let wb = wt[r + 1];
        let x0 = load(q0 + ci, ok0);
        let x1 = load(q1 + ci, ok1);
        let x2 = load(q2 + ci, ok2);
        let x3 = load(q3 + ci, ok3);
        a0 += x0 * wa; e0 += x0 * wb;
        a1 += x1 * wa; e1 += x1 * wb;
        a2 += x2 * wa; e2 += x2 * wb;
        a3 += x3 * wa; e3 += x3 * wb;
        r += c4;
      }
    }
  }
  let co = g * 8;
  store(n, oy, ox0, co, a0); store(n, oy, ox0, co + 4, e0);
  store(n, oy, ox0 + 1, co, a1); store(n, oy, ox0 + 1, co + 4, e1);
  store(n, oy, ox0 + 2, co, a2); store(n, oy, ox0 + 2, co + 4, e2);
  store(n, oy, ox0 + 3, co, a3); store(n, oy, ox0 + 3, co + 4, e3);
}
