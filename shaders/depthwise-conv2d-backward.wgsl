// depthwise-conv2d-backward: input gradient of the 3x3 depthwise conv, stride 1, pad 1
// (depthwise-conv2d.wgsl): the same depthwise conv with the kernel rotated by 180°,
//   gx[n,y,x,c] = sum_{ky,kx} w[2-ky,2-kx,c] * g[n, y+ky-1, x+kx-1, c]
// with two optional epilogues, in this order:
// - shortcut (the *Shortcut entry points): the residual module's input x feeds both the separable
//   convs and the 1x1/2 shortcut conv, so its gradient is the sum of both branches (fan-in). The
//   shortcut's input gradient is added here: at even (y, x), sum_co ws[c,co] * gs[n, y/2, x/2, co]
//   where gs is the module output's gradient (the residual add passes it unchanged); 0 elsewhere.
// - guided ReLU (the *Masked entry points): gx = 0 unless x > 0 and gx > 0, x = the forward input
//   (a ReLU output) read from `mask`.
// Layout: g, mask, gx [N,H,W,C] as vec4 (C a multiple of 4); w [3,3,C] as vec4 (forward layout);
// gs [N,OH,OW,GC] as vec4 (OH = floor((H-1)/2)+1); ws [GC, C] as vec4 (shortcut weights transposed
// by depthwise-conv2d-backward.ts).
// One invocation: 4 horizontally adjacent pixels x 4 channels (one vec4) of one face, 6 g columns
// per kernel row shared by the 4 outputs (as the forward kernel). Channel groups fastest.
// Grid: x = ceil(H * ceil(W/4) * C/4 / WG_SIZE); y = N (face index).
// Bindings: 0 g, 1 w, 2 mask, 3 gs, 4 ws, 5 gx, 6 params (entry points without the epilogue leave
// its bindings unbound).

struct Params {
  h: i32, w: i32, c4: i32, oh: i32,
  ow: i32, gc4: i32, _pad0: i32, _pad1: i32,
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> mask: array<vec4f>;
@group(0) @binding(3) var<storage, read> gs: array<vec4f>;
@group(0) @binding(4) var<storage, read> ws: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(6) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

struct Site { n: i32, y: i32, x: i32, cq: i32, ok: bool }
struct Acc { a0: vec4f, a1: vec4f, a2: vec4f, a3: vec4f }

fn site(gid: vec3u) -> Site {
  let xblocks = (p.w + 3) / 4;
  let i = i32(gid.x);
  let y = i / (p.c4 * xblocks);
  return Site(i32(gid.y), y, ((i / p.c4) % xblocks) * 4, i % p.c4, y < p.h);
}

fn tap(row: i32, ix: i32, cq: i32) -> vec4f {
  let ok = ix >= 0 && ix < p.w;
  return select(vec4f(0.0), g[select(0, (row + ix) * p.c4 + cq, ok)], ok);
}

fn accumulate(s: Site) -> Acc {
  var c = Acc(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var ky = 0; ky < 3; ky++) {
    let iy = s.y + ky - 1;
    if (iy < 0 || iy >= p.h) { continue; }
    let row = (s.n * p.h + iy) * p.w;
    let v0 = tap(row, s.x - 1, s.cq);
    let v1 = tap(row, s.x, s.cq);
    let v2 = tap(row, s.x + 1, s.cq);
    let v3 = tap(row, s.x + 2, s.cq);
    let v4 = tap(row, s.x + 3, s.cq);
    let v5 = tap(row, s.x + 4, s.cq);
    let wr = (2 - ky) * 3;  // rotated kernel: row 2-ky, columns 2-kx
    let w0 = wt[(wr + 2) * p.c4 + s.cq];
    let w1 = wt[(wr + 1) * p.c4 + s.cq];
    let w2 = wt[wr * p.c4 + s.cq];
    c.a0 += v0 * w0 + v1 * w1 + v2 * w2;
    c.a1 += v1 * w0 + v2 * w1 + v3 * w2;
    c.a2 += v2 * w0 + v3 * w1 + v4 * w2;
    c.a3 += v3 * w0 + v4 * w1 + v5 * w2;
  }
  return c;
}

// The shortcut conv's input gradient at (s.y, x), x even and s.y even.
fn shortcutAt(s: Site, x: i32) -> vec4f {
  var r = vec4f(0.0);
  let q = ((s.n * p.oh + s.y / 2) * p.ow + x / 2) * p.gc4;
  var k = s.cq;
  for (var j = 0; j < p.gc4; j++) {
    let v = gs[q + j];
    r += v.x * ws[k] + v.y * ws[k + p.c4] + v.z * ws[k + 2 * p.c4] + v.w * ws[k + 3 * p.c4];
    k += 4 * p.c4;
  }
  return r;
}

// s.x is a multiple of 4, so only columns s.x and s.x + 2 are even.
fn addShortcut(s: Site, c: Acc) -> Acc {
  if (s.y % 2 != 0) { return c; }
  var o = c;
  o.a0 += shortcutAt(s, s.x);
  if (s.x + 2 < p.w) { o.a2 += shortcutAt(s, s.x + 2); }
  return o;
}

fn guided(s: Site, dx: i32, v: vec4f) -> vec4f {
  if (s.x + dx >= p.w) { return v; }  // past the right edge: computed, never stored
  let m = mask[((s.n * p.h + s.y) * p.w + s.x + dx) * p.c4 + s.cq];
  return select(vec4f(0.0), v, (m > vec4f(0.0)) & (v > vec4f(0.0)));
}

fn guidedAll(s: Site, c: Acc) -> Acc {
  return Acc(guided(s, 0, c.a0), guided(s, 1, c.a1), guided(s, 2, c.a2), guided(s, 3, c.a3));
}

fn store(s: Site, c: Acc) {
  let o = ((s.n * p.h + s.y) * p.w + s.x) * p.c4 + s.cq;
  gx[o] = c.a0;
  if (s.x + 1 < p.w) { gx[o + p.c4] = c.a1; }
  if (s.x + 2 < p.w) { gx[o + 2 * p.c4] = c.a2; }
  if (s.x + 3 < p.w) { gx[o + 3 * p.c4] = c.a3; }
}

@compute @workgroup_size(WG_SIZE)
fn depthwiseBackward(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  store(s, accumulate(s));
}

@compute @workgroup_size(WG_SIZE)
fn depthwiseBackwardMasked(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  store(s, guidedAll(s, accumulate(s)));
}

@compute @workgroup_size(WG_SIZE)
fn depthwiseBackwardShortcut(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  store(s, addShortcut(s, accumulate(s)));
}

@compute @workgroup_size(WG_SIZE)
fn depthwiseBackwardShortcutMasked(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  store(s, guidedAll(s, addShortcut(s, accumulate(s))));
}
