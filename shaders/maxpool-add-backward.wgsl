// maxpool-add-backward: gradient of y in out = maxpool3x3/2 pad 1 (-inf)(y) + r (maxpool-add.wgsl).
// Each window routes its output gradient to its arg-max; ties go to the first maximum in row-major
// order over the in-map taps (PyTorch's rule; NaNs are not treated specially). The residual add
// passes dL/dout unchanged to r: no kernel, the shortcut's backward reads dL/dout directly
// (depthwise-conv2d-backward.wgsl, *Shortcut).
// Two passes, dispatched in this order (no atomics):
//   argmaxWindows: per window (oy, ox) and channel, the map pixel index iy*W+ix of its first max
//     (9 y loads per window, each window once).
//   routeToArgmax: pixel (y, x) is only in windows oy in {floor(y/2), floor(y/2)+1} (the second
//     when y is odd), likewise ox; so one invocation owns the 2x2 tile of pixels (2ty..2ty+1,
//     2tx..2tx+1) and adds the gradient of each of the (up to) 4 windows (ty..ty+1, tx..tx+1) to
//     the tile pixel that is its arg-max. An arg-max outside the tile belongs to a neighbouring
//     tile, which reads the same window, so every (pixel, window) pair is counted exactly once.
// or one pass, maxpoolBackward: the tile computes the arg-max of its 4 windows itself (36 y loads
// per tile instead of 9 + 8, each window recomputed by up to 4 tiles: ~2x the forward tail on
// SwiftShader for a 44x44 map), which pays on small maps, where a dispatch costs more than that.
// Layout: g and am [N,OH,OW,C] (am i32), y and gy [N,H,W,C]; all vec4 (C a multiple of 4);
// OH = floor((H-1)/2)+1 = the number of tile rows.
// One invocation: one window (argmaxWindows) or one tile (routeToArgmax) x 4 channels of one face,
// channel groups fastest. Grid (both): x = ceil(OH*OW * C/4 / WG_SIZE); y = N (face index).
// Bindings: argmaxWindows 1 y, 3 am (write), 4 params; routeToArgmax 0 g, 2 gy, 3 am (read), 4 params;
// maxpoolBackward 0 g, 1 y, 2 gy, 4 params.

struct Params {
  h: i32, w: i32, oh: i32, ow: i32,
  c4: i32, _pad0: i32, _pad1: i32, _pad2: i32,
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> y: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gy: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> amOut: array<vec4i>;
@group(0) @binding(3) var<storage, read> am: array<vec4i>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

struct Site { n: i32, oy: i32, ox: i32, cq: i32, ok: bool }

fn site(gid: vec3u) -> Site {
  let i = i32(gid.x);
  let t = i / p.c4;
  return Site(i32(gid.y), t / p.ow, t % p.ow, i % p.c4, t < p.oh * p.ow);
}

// Per channel, the map pixel index iy*W+ix of window (oy, ox)'s first maximum in face n.
fn windowArgmax(n: i32, oy: i32, ox: i32, cq: i32) -> vec4i {
  let y0 = max(2 * oy - 1, 0);
  let y1 = min(2 * oy + 1, p.h - 1);
  let x0 = max(2 * ox - 1, 0);
  let x1 = min(2 * ox + 1, p.w - 1);
  // The first in-map tap in row-major order seeds the max; later taps win only if strictly greater.
  var m = y[((n * p.h + y0) * p.w + x0) * p.c4 + cq];
  var at = vec4i(y0 * p.w + x0);
  for (var iy = y0; iy <= y1; iy++) {
    for (var ix = x0; ix <= x1; ix++) {
      let v = y[((n * p.h + iy) * p.w + ix) * p.c4 + cq];
      let b = v > m;
      m = select(m, v, b);
      at = select(at, vec4i(iy * p.w + ix), b);
    }
  }
  return at;
}

@compute @workgroup_size(WG_SIZE)
fn argmaxWindows(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  amOut[((s.n * p.oh + s.oy) * p.ow + s.ox) * p.c4 + s.cq] = windowArgmax(s.n, s.oy, s.ox, s.cq);
}

struct Tile { g00: vec4f, g01: vec4f, g10: vec4f, g11: vec4f }

// Adds window (oy, ox)'s gradient to whichever pixel of the tile at (s.oy, s.ox) is its arg-max `at`.
fn routeTo(t: Tile, s: Site, oy: i32, ox: i32, at: vec4i) -> Tile {
  let gv = g[((s.n * p.oh + oy) * p.ow + ox) * p.c4 + s.cq];
  let z = vec4f(0.0);
  let p00 = (2 * s.oy) * p.w + 2 * s.ox;
  return Tile(
    t.g00 + select(z, gv, at == vec4i(p00)),
    t.g01 + select(z, gv, at == vec4i(p00 + 1)),
    t.g10 + select(z, gv, at == vec4i(p00 + p.w)),
    t.g11 + select(z, gv, at == vec4i(p00 + p.w + 1)));
}

fn route(t: Tile, s: Site, oy: i32, ox: i32) -> Tile {
  if (oy >= p.oh || ox >= p.ow) { return t; }
  return routeTo(t, s, oy, ox, am[((s.n * p.oh + oy) * p.ow + ox) * p.c4 + s.cq]);
}

fn routeRecomputed(t: Tile, s: Site, oy: i32, ox: i32) -> Tile {
  if (oy >= p.oh || ox >= p.ow) { return t; }
  return routeTo(t, s, oy, ox, windowArgmax(s.n, oy, ox, s.cq));
}

fn storeTile(s: Site, acc: Tile) {
  let o = ((s.n * p.h + 2 * s.oy) * p.w + 2 * s.ox) * p.c4 + s.cq;
  let right = 2 * s.ox + 1 < p.w;
  let below = 2 * s.oy + 1 < p.h;
  gy[o] = acc.g00;
  if (right) { gy[o + p.c4] = acc.g01; }
  if (below) { gy[o + p.w * p.c4] = acc.g10; }
  if (right && below) { gy[o + (p.w + 1) * p.c4] = acc.g11; }
}

@compute @workgroup_size(WG_SIZE)
fn routeToArgmax(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);  // (oy, ox) = the tile (ty, tx)
  if (!s.ok) { return; }
  let z = vec4f(0.0);
  var acc = Tile(z, z, z, z);
  acc = route(acc, s, s.oy, s.ox);
  acc = route(acc, s, s.oy, s.ox + 1);
  acc = route(acc, s, s.oy + 1, s.ox);
  acc = route(acc, s, s.oy + 1, s.ox + 1);
  storeTile(s, acc);
}

@compute @workgroup_size(WG_SIZE)
fn maxpoolBackward(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let z = vec4f(0.0);
  var acc = Tile(z, z, z, z);
  acc = routeRecomputed(acc, s, s.oy, s.ox);
  acc = routeRecomputed(acc, s, s.oy, s.ox + 1);
  acc = routeRecomputed(acc, s, s.oy + 1, s.ox);
  acc = routeRecomputed(acc, s, s.oy + 1, s.ox + 1);
  storeTile(s, acc);
}
