// conv2d: dense KxK convolution, any stride and zero padding, fused bias and optional ReLU, and an
// optional affine on the input load (x * in_scale + in_offset: the pixel normalisation of the first
// stem conv; padded taps stay 0 as in PyTorch, which pads the normalised input).
// Layout: x [N,H,W,Cin]; w [KH,KW,Cin,CoutPad] read as vec4 and b [CoutPad] vec4, with Cout
// zero-padded to CoutPad, a multiple of the entry point's channel tile (8, or 12 for conv2dVec4x3;
// conv2d.ts pads at load); y [N,OH,OW,Cout].
// Entry points, by how x and y are read (conv2d.ts picks the most vectorised one that fits):
//   conv2d          x f32, y f32: any Cin, any Cout (the 7-class head conv in tests).
//   conv2dVec4Out   x f32, y vec4: Cout a multiple of 4 (the first stem conv, Cin = 1).
//   conv2dVec4      x vec4 over Cin, y vec4: Cin and Cout multiples of 4 (stem conv 2, shortcuts):
//                   4 x loads + 8 weight loads feed 32 vec4 FMAs, 4x fewer loads than conv2d.
//   conv2dVec4x3    as conv2dVec4 with 12 output channels (3 vec4s) per invocation, for Cout a
//                   multiple of 12 (stem conv 2, 12 -> 12): no zero-padded lanes (Cout 12 is not
//                   padded to 16), 4 x loads + 12 weight loads feed 48 vec4 FMAs.
// One invocation: 4 horizontally adjacent output pixels x 8 output channels (12 for conv2dVec4x3)
// of one face (SwiftShader runs 4 invocations per SIMD row, and loads, not FMAs, bound a
// one-output-per-invocation kernel). Invocations along x are channel-group fastest, so neighbouring
// lanes read neighbouring weights.
// Grid: x = ceil(OH * ceil(OW/4) * CoutPad/8 / WG_SIZE) (CoutPad/12 for conv2dVec4x3); y = N (face index).
// Bindings: 0 x, 1 w, 2 b, 3 y, 4 params (x and y are declared once per element type; an entry
// point uses one of each).

struct Params {
  h: i32, w: i32, cin: i32, cout: i32,
  oh: i32, ow: i32, kh: i32, kw: i32,
  stride: i32, pad: i32, in_scale: f32, in_offset: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(0) var<storage, read> x4: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> y4: array<vec4f>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;          // 0 none, 1 relu
override IN_AFFINE: bool = false;
override PADDED: bool = true;   // false ('valid', pad 0): every tap is inside the map, skip the checks

struct Site { n: i32, oy: i32, ox: i32, g: i32, ok: bool }

// Accumulators: a* = channels g*8..g*8+3, e* = g*8+4..g*8+7, for pixels ox..ox+3.
struct Acc { a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f, e0: vec4f, e1: vec4f, e2: vec4f, e3: vec4f }

fn site(gid: vec3u) -> Site {
  let groups = (p.cout + 7) / 8;
  let xblocks = (p.ow + 3) / 4;
  let i = i32(gid.x);
  let oy = i / (groups * xblocks);
  return Site(i32(gid.y), oy, ((i / groups) % xblocks) * 4, i % groups, oy < p.oh);
}

fn initAcc(g: i32) -> Acc {
  let a = bias[g * 2];
  let e = bias[g * 2 + 1];
  return Acc(a, a, a, a, e, e, e, e);
}

fn load(i: i32, ok: bool) -> f32 {
  let v = x[select(0, i, ok)];
  if (IN_AFFINE) { return select(0.0, v * p.in_scale + p.in_offset, ok); }
  return select(0.0, v, ok);
}

fn load4(i: i32, ok: bool) -> vec4f {
  return select(vec4f(0.0), x4[select(0, i, ok)], ok);
}

fn inX(ix: i32, rowOk: bool) -> bool {
  if (!PADDED) { return true; }
  return rowOk && ix >= 0 && ix < p.w;
}

// Cin one at a time from the f32 view of x.
fn accumulate(s: Site) -> Acc {
  var c = initAcc(s.g);
  let c4 = ((p.cout + 7) / 8) * 2;  // vec4s per weight row
  for (var ky = 0; ky < p.kh; ky++) {
    let iy = s.oy * p.stride + ky - p.pad;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (s.n * p.h + iy) * p.w;
    for (var kx = 0; kx < p.kw; kx++) {
      let ix0 = s.ox * p.stride + kx - p.pad;
      let ix1 = ix0 + p.stride;
      let ix2 = ix1 + p.stride;
      let ix3 = ix2 + p.stride;
      let ok0 = inX(ix0, rowOk); let ok1 = inX(ix1, rowOk); let ok2 = inX(ix2, rowOk); let ok3 = inX(ix3, rowOk);
      let q0 = (row + ix0) * p.cin; let q1 = (row + ix1) * p.cin; let q2 = (row + ix2) * p.cin; let q3 = (row + ix3) * p.cin;
      var r = ((ky * p.kw + kx) * p.cin) * c4 + s.g * 2;
      for (var ci = 0; ci < p.cin; ci++) {
        let wa = wt[r];
        let wb = wt[r + 1];
        let x0 = load(q0 + ci, ok0); let x1 = load(q1 + ci, ok1); let x2 = load(q2 + ci, ok2); let x3 = load(q3 + ci, ok3);
        c.a0 += x0 * wa; c.e0 += x0 * wb;
        c.a1 += x1 * wa; c.e1 += x1 * wb;
        c.a2 += x2 * wa; c.e2 += x2 * wb;
        c.a3 += x3 * wa; c.e3 += x3 * wb;
        r += c4;
      }
    }
  }
  return c;
}

// Cin four at a time from the vec4 view of x (Cin a multiple of 4).
fn accumulate4(s: Site) -> Acc {
  var c = initAcc(s.g);
  let c4 = ((p.cout + 7) / 8) * 2;
  let cin4 = p.cin / 4;
  for (var ky = 0; ky < p.kh; ky++) {
    let iy = s.oy * p.stride + ky - p.pad;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (s.n * p.h + iy) * p.w;
    for (var kx = 0; kx < p.kw; kx++) {
      let ix0 = s.ox * p.stride + kx - p.pad;
      let ix1 = ix0 + p.stride;
      let ix2 = ix1 + p.stride;
      let ix3 = ix2 + p.stride;
      let ok0 = inX(ix0, rowOk); let ok1 = inX(ix1, rowOk); let ok2 = inX(ix2, rowOk); let ok3 = inX(ix3, rowOk);
      let q0 = (row + ix0) * cin4; let q1 = (row + ix1) * cin4; let q2 = (row + ix2) * cin4; let q3 = (row + ix3) * cin4;
      var r = ((ky * p.kw + kx) * p.cin) * c4 + s.g * 2;
      for (var k = 0; k < cin4; k++) {
        let w0 = wt[r]; let v0 = wt[r + 1]; r += c4;
        let w1 = wt[r]; let v1 = wt[r + 1]; r += c4;
        let w2 = wt[r]; let v2 = wt[r + 1]; r += c4;
        let w3 = wt[r]; let v3 = wt[r + 1]; r += c4;
        let x0 = load4(q0 + k, ok0); let x1 = load4(q1 + k, ok1); let x2 = load4(q2 + k, ok2); let x3 = load4(q3 + k, ok3);
        c.a0 += x0.x * w0 + x0.y * w1 + x0.z * w2 + x0.w * w3;
        c.a1 += x1.x * w0 + x1.y * w1 + x1.z * w2 + x1.w * w3;
        c.a2 += x2.x * w0 + x2.y * w1 + x2.z * w2 + x2.w * w3;
        c.a3 += x3.x * w0 + x3.y * w1 + x3.z * w2 + x3.w * w3;
        c.e0 += x0.x * v0 + x0.y * v1 + x0.z * v2 + x0.w * v3;
        c.e1 += x1.x * v0 + x1.y * v1 + x1.z * v2 + x1.w * v3;
        c.e2 += x2.x * v0 + x2.y * v1 + x2.z * v2 + x2.w * v3;
        c.e3 += x3.x * v0 + x3.y * v1 + x3.z * v2 + x3.w * v3;
      }
    }
  }
  return c;
}

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

fn store(s: Site, dx: i32, co: i32, v: vec4f) {
  if (s.ox + dx >= p.ow || co >= p.cout) { return; }
  let base = ((s.n * p.oh + s.oy) * p.ow + s.ox + dx) * p.cout + co;
  let a = act(v);
  for (var j = 0; j < 4; j++) {
    if (co + j < p.cout) { y[base + j] = a[j]; }
  }
}

fn store4(s: Site, dx: i32, co: i32, v: vec4f) {
  if (s.ox + dx >= p.ow || co >= p.cout) { return; }
  y4[(((s.n * p.oh + s.oy) * p.ow + s.ox + dx) * p.cout + co) / 4] = act(v);
}

@compute @workgroup_size(WG_SIZE)
fn conv2d(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let c = accumulate(s);
  let co = s.g * 8;
  store(s, 0, co, c.a0); store(s, 1, co, c.a1); store(s, 2, co, c.a2); store(s, 3, co, c.a3);
  store(s, 0, co + 4, c.e0); store(s, 1, co + 4, c.e1); store(s, 2, co + 4, c.e2); store(s, 3, co + 4, c.e3);
}

@compute @workgroup_size(WG_SIZE)
fn conv2dVec4Out(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let c = accumulate(s);
  let co = s.g * 8;
  store4(s, 0, co, c.a0); store4(s, 1, co, c.a1); store4(s, 2, co, c.a2); store4(s, 3, co, c.a3);
  store4(s, 0, co + 4, c.e0); store4(s, 1, co + 4, c.e1); store4(s, 2, co + 4, c.e2); store4(s, 3, co + 4, c.e3);
}

@compute @workgroup_size(WG_SIZE)
fn conv2dVec4(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let c = accumulate4(s);
  let co = s.g * 8;
  store4(s, 0, co, c.a0); store4(s, 1, co, c.a1); store4(s, 2, co, c.a2); store4(s, 3, co, c.a3);
  store4(s, 0, co + 4, c.e0); store4(s, 1, co + 4, c.e1); store4(s, 2, co + 4, c.e2); store4(s, 3, co + 4, c.e3);
}

// 4 px x 12 channels: Cout a multiple of 12, weights and bias unpadded (CoutPad = Cout), Cin a
// multiple of 4. Accumulators a* / b* / d* = channels g*12 + 0..3 / 4..7 / 8..11, pixels ox..ox+3.
@compute @workgroup_size(WG_SIZE)
fn conv2dVec4x3(@builtin(global_invocation_id) gid: vec3u) {
  let groups = p.cout / 12;
  let xblocks = (p.ow + 3) / 4;
  let i = i32(gid.x);
  let oy = i / (groups * xblocks);
  let s = Site(i32(gid.y), oy, ((i / groups) % xblocks) * 4, i % groups, oy < p.oh);
  if (!s.ok) { return; }
  let cw = p.cout / 4;  // vec4s per weight row
  let cin4 = p.cin / 4;
  var a0 = bias[s.g * 3]; var a1 = a0; var a2 = a0; var a3 = a0;
  var b0 = bias[s.g * 3 + 1]; var b1 = b0; var b2 = b0; var b3 = b0;
  var d0 = bias[s.g * 3 + 2]; var d1 = d0; var d2 = d0; var d3 = d0;
  for (var ky = 0; ky < p.kh; ky++) {
    let iy = s.oy * p.stride + ky - p.pad;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (s.n * p.h + iy) * p.w;
    for (var kx = 0; kx < p.kw; kx++) {
      let ix0 = s.ox * p.stride + kx - p.pad;
      let ix1 = ix0 + p.stride;
      let ix2 = ix1 + p.stride;
      let ix3 = ix2 + p.stride;
      let ok0 = inX(ix0, rowOk); let ok1 = inX(ix1, rowOk); let ok2 = inX(ix2, rowOk); let ok3 = inX(ix3, rowOk);
      let q0 = (row + ix0) * cin4; let q1 = (row + ix1) * cin4; let q2 = (row + ix2) * cin4; let q3 = (row + ix3) * cin4;
      var r = ((ky * p.kw + kx) * p.cin) * cw + s.g * 3;
      for (var k = 0; k < cin4; k++) {
        let wa0 = wt[r]; let wb0 = wt[r + 1]; let wd0 = wt[r + 2]; r += cw;
        let wa1 = wt[r]; let wb1 = wt[r + 1]; let wd1 = wt[r + 2]; r += cw;
        let wa2 = wt[r]; let wb2 = wt[r + 1]; let wd2 = wt[r + 2]; r += cw;
        let wa3 = wt[r]; let wb3 = wt[r + 1]; let wd3 = wt[r + 2]; r += cw;
        let x0 = load4(q0 + k, ok0); let x1 = load4(q1 + k, ok1); let x2 = load4(q2 + k, ok2); let x3 = load4(q3 + k, ok3);
        a0 += x0.x * wa0 + x0.y * wa1 + x0.z * wa2 + x0.w * wa3;
        a1 += x1.x * wa0 + x1.y * wa1 + x1.z * wa2 + x1.w * wa3;
        a2 += x2.x * wa0 + x2.y * wa1 + x2.z * wa2 + x2.w * wa3;
        a3 += x3.x * wa0 + x3.y * wa1 + x3.z * wa2 + x3.w * wa3;
        b0 += x0.x * wb0 + x0.y * wb1 + x0.z * wb2 + x0.w * wb3;
        b1 += x1.x * wb0 + x1.y * wb1 + x1.z * wb2 + x1.w * wb3;
        b2 += x2.x * wb0 + x2.y * wb1 + x2.z * wb2 + x2.w * wb3;
        b3 += x3.x * wb0 + x3.y * wb1 + x3.z * wb2 + x3.w * wb3;
        d0 += x0.x * wd0 + x0.y * wd1 + x0.z * wd2 + x0.w * wd3;
        d1 += x1.x * wd0 + x1.y * wd1 + x1.z * wd2 + x1.w * wd3;
        d2 += x2.x * wd0 + x2.y * wd1 + x2.z * wd2 + x2.w * wd3;
        d3 += x3.x * wd0 + x3.y * wd1 + x3.z * wd2 + x3.w * wd3;
      }
    }
  }
  let co = s.g * 12;
  store4(s, 0, co, a0); store4(s, 1, co, a1); store4(s, 2, co, a2); store4(s, 3, co, a3);
  store4(s, 0, co + 4, b0); store4(s, 1, co + 4, b1); store4(s, 2, co + 4, b2); store4(s, 3, co + 4, b3);
  store4(s, 0, co + 8, d0); store4(s, 1, co + 8, d1); store4(s, 2, co + 8, d2); store4(s, 3, co + 8, d3);
}
