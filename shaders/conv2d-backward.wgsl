// conv2d-backward: input gradient of the dense KxK conv (conv2d.wgsl), any stride and zero padding:
//   gx[n,iy,ix,ci] = sum over (ky,kx,co) with oy = (iy+pad-ky)/stride, ox = (ix+pad-kx)/stride
//                    integral and inside the output: w[ky,kx,ci,co] * g[n,oy,ox,co]
// with optional epilogues: guided ReLU against the forward input x (the *Masked entry points:
// gx = 0 unless x > 0 and gx > 0; x is the output of the ReLU before this conv), and REDUCE (sum
// over ci, for a colour input's saliency map; needs Cin ≤ 4).
// Layout: g [N,OH,OW,Cout]; wt [KH,KW,Cout,Cin4] as vec4 (W transposed, Cin zero-padded to Cin4*4 by
// conv2d-backward.ts); x (mask) [N,H,W,Cin]; gx [N,H,W,Cin], or [N,H,W] with REDUCE.
// Entry points: conv2dBackward[Masked] reads g as f32 (any Cout, e.g. the 7-class head);
//   conv2dBackwardVec4[Masked] reads g as vec4 over Cout (Cout a multiple of 4): 4 g loads and 4
//   weight loads feed 16 vec4 FMAs;
//   conv2dBackwardFewCin: Cin ≤ 4 (the first stem conv: gray or RGB input) and Cout a multiple of 4,
//   vectorised over Cout instead: per tap and Cout/4, 4 g loads and Cin weight loads feed 4·Cin
//   dot products (the vec4-over-Cin entry points would waste 3 of 4 lanes on a gray input). Its
//   weights are the forward layout [KH,KW,Cin,Cout] (Cout a multiple of 4, read as vec4); REDUCE
//   or not, no mask.
// One invocation: 4 horizontally adjacent input pixels x 4 input channels (one vec4) of one face;
// channel groups fastest. Grid: x = ceil(H * ceil(W/4) * Cin4 / WG_SIZE); y = N (face index).
// Bindings: 0 g, 1 wt, 2 x (mask; *Masked only), 3 gx, 4 params.

struct Params {
  h: i32, w: i32, cin: i32, cout: i32,
  oh: i32, ow: i32, kh: i32, kw: i32,
  stride: i32, pad: i32, cin4: i32, _pad: i32,
}

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(0) var<storage, read> g4: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;  // *FewCin: [KH,KW,Cin,Cout/4]
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> gx: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override REDUCE: bool = false;
override UNIT_STRIDE: bool = false;  // stride 1: every tap maps to an output column, no % or /

struct Site { n: i32, iy: i32, ix: i32, cg: i32, ok: bool }
struct Acc { a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f }

fn site(gid: vec3u) -> Site {
  let xblocks = (p.w + 3) / 4;
  let i = i32(gid.x);
  let iy = i / (p.cin4 * xblocks);
  return Site(i32(gid.y), iy, ((i / p.cin4) % xblocks) * 4, i % p.cin4, iy < p.h);
}

// Output column of input column ix under tap kx, or -1 when no output reads ix through kx.
fn outX(ix: i32, kx: i32) -> i32 {
  let t = ix + p.pad - kx;
  if (UNIT_STRIDE) { return select(-1, t, t >= 0 && t < p.ow); }
  if (t < 0 || t % p.stride != 0 || t / p.stride >= p.ow) { return -1; }
  return t / p.stride;
}

fn outY(iy: i32, ky: i32) -> i32 {
  let t = iy + p.pad - ky;
  if (UNIT_STRIDE) { return select(-1, t, t >= 0 && t < p.oh); }
  if (t < 0 || t % p.stride != 0 || t / p.stride >= p.oh) { return -1; }
  return t / p.stride;
}

fn load(i: i32, ok: bool) -> f32 {
  return select(0.0, g[select(0, i, ok)], ok);
}

fn load4(i: i32, ok: bool) -> vec4f {
  return select(vec4f(0.0), g4[select(0, i, ok)], ok);
}

// Cout one at a time from the f32 view of g.
fn accumulate(s: Site) -> Acc {
  var c = Acc(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var ky = 0; ky < p.kh; ky++) {
    let oy = outY(s.iy, ky);
    if (oy < 0) { continue; }
    let row = (s.n * p.oh + oy) * p.ow;
    for (var kx = 0; kx < p.kw; kx++) {
      let x0 = outX(s.ix, kx); let x1 = outX(s.ix + 1, kx); let x2 = outX(s.ix + 2, kx); let x3 = outX(s.ix + 3, kx);
      let q0 = (row + x0) * p.cout; let q1 = (row + x1) * p.cout; let q2 = (row + x2) * p.cout; let q3 = (row + x3) * p.cout;
      var r = (ky * p.kw + kx) * p.cout * p.cin4 + s.cg;
      for (var co = 0; co < p.cout; co++) {
        let w = wt[r];
        c.a0 += load(q0 + co, x0 >= 0) * w;
        c.a1 += load(q1 + co, x1 >= 0) * w;
        c.a2 += load(q2 + co, x2 >= 0) * w;
        c.a3 += load(q3 + co, x3 >= 0) * w;
        r += p.cin4;
      }
    }
  }
  return c;
}

// Cout four at a time from the vec4 view of g (Cout a multiple of 4).
fn accumulate4(s: Site) -> Acc {
  var c = Acc(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  let cout4 = p.cout / 4;
  for (var ky = 0; ky < p.kh; ky++) {
    let oy = outY(s.iy, ky);
    if (oy < 0) { continue; }
    let row = (s.n * p.oh + oy) * p.ow;
    for (var kx = 0; kx < p.kw; kx++) {
      let x0 = outX(s.ix, kx); let x1 = outX(s.ix + 1, kx); let x2 = outX(s.ix + 2, kx); let x3 = outX(s.ix + 3, kx);
      let q0 = (row + x0) * cout4; let q1 = (row + x1) * cout4; let q2 = (row + x2) * cout4; let q3 = (row + x3) * cout4;
      var r = (ky * p.kw + kx) * p.cout * p.cin4 + s.cg;
      for (var k = 0; k < cout4; k++) {
        let w0 = wt[r]; r += p.cin4;
        let w1 = wt[r]; r += p.cin4;
        let w2 = wt[r]; r += p.cin4;
        let w3 = wt[r]; r += p.cin4;
        let v0 = load4(q0 + k, x0 >= 0); let v1 = load4(q1 + k, x1 >= 0); let v2 = load4(q2 + k, x2 >= 0); let v3 = load4(q3 + k, x3 >= 0);
        c.a0 += v0.x * w0 + v0.y * w1 + v0.z * w2 + v0.w * w3;
        c.a1 += v1.x * w0 + v1.y * w1 + v1.z * w2 + v1.w * w3;
        c.a2 += v2.x * w0 + v2.y * w1 + v2.z * w2 + v2.w * w3;
        c.a3 += v3.x * w0 + v3.y * w1 + v3.z * w2 + v3.w * w3;
      }
    }
  }
  return c;
}

// Guided ReLU: keep component j where the forward input and the gradient are both positive.
fn guided(s: Site, dx: i32, v: vec4f) -> vec4f {
  var out = vec4f(0.0);
  if (s.ix + dx >= p.w) { return out; }  // past the right edge: computed, never stored
  let base = ((s.n * p.h + s.iy) * p.w + s.ix + dx) * p.cin + s.cg * 4;
  for (var j = 0; j < 4; j++) {
    if (s.cg * 4 + j < p.cin && mask[base + j] > 0.0 && v[j] > 0.0) { out[j] = v[j]; }
  }
  return out;
}

fn store(s: Site, dx: i32, v: vec4f) {
  let px = (s.n * p.h + s.iy) * p.w + s.ix + dx;
  if (REDUCE) {
    gx[px] = v.x + v.y + v.z + v.w;  // padded channels have zero weights, so they add 0
    return;
  }
  for (var j = 0; j < 4; j++) {
    if (s.cg * 4 + j < p.cin) { gx[px * p.cin + s.cg * 4 + j] = v[j]; }
  }
}

fn storeAll(s: Site, c: Acc) {
  store(s, 0, c.a0);
  if (s.ix + 1 < p.w) { store(s, 1, c.a1); }
  if (s.ix + 2 < p.w) { store(s, 2, c.a2); }
  if (s.ix + 3 < p.w) { store(s, 3, c.a3); }
}

fn guidedAll(s: Site, c: Acc) -> Acc {
  return Acc(guided(s, 0, c.a0), guided(s, 1, c.a1), guided(s, 2, c.a2), guided(s, 3, c.a3));
}

@compute @workgroup_size(WG_SIZE)
fn conv2dBackward(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  storeAll(s, accumulate(s));
}

@compute @workgroup_size(WG_SIZE)
fn conv2dBackwardMasked(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  storeAll(s, guidedAll(s, accumulate(s)));
}

@compute @workgroup_size(WG_SIZE)
fn conv2dBackwardVec4(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  storeAll(s, accumulate4(s));
}

@compute @workgroup_size(WG_SIZE)
fn conv2dBackwardVec4Masked(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  storeAll(s, guidedAll(s, accumulate4(s)));
}

// Cin ≤ 4: component j of each accumulator is input channel j; dot products over Cout.
fn accumulateFewCin(s: Site) -> Acc {
  var c = Acc(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  let cout4 = p.cout / 4;
  for (var ky = 0; ky < p.kh; ky++) {
    let oy = outY(s.iy, ky);
    if (oy < 0) { continue; }
    let row = (s.n * p.oh + oy) * p.ow;
    for (var kx = 0; kx < p.kw; kx++) {
      let x0 = outX(s.ix, kx); let x1 = outX(s.ix + 1, kx); let x2 = outX(s.ix + 2, kx); let x3 = outX(s.ix + 3, kx);
      let q0 = (row + x0) * cout4; let q1 = (row + x1) * cout4; let q2 = (row + x2) * cout4; let q3 = (row + x3) * cout4;
      let tapRow = (ky * p.kw + kx) * p.cin;
      for (var k = 0; k < cout4; k++) {
        let v0 = load4(q0 + k, x0 >= 0); let v1 = load4(q1 + k, x1 >= 0); let v2 = load4(q2 + k, x2 >= 0); let v3 = load4(q3 + k, x3 >= 0);
        for (var ci = 0; ci < p.cin; ci++) {
          let w = wt[(tapRow + ci) * cout4 + k];
          c.a0[ci] += dot(v0, w); c.a1[ci] += dot(v1, w); c.a2[ci] += dot(v2, w); c.a3[ci] += dot(v3, w);
        }
      }
    }
  }
  return c;
}

@compute @workgroup_size(WG_SIZE)
fn conv2dBackwardFewCin(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  storeAll(s, accumulateFewCin(s));
}
