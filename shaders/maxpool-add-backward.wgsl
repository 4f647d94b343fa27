// maxpool-add-backward: gradient of y in out = maxpool3x3/2 pad 1 (-inf)(y) + r (maxpool-add.wgsl).
// Each window routes its output gradient to its arg-max; ties go to the first maximum in row-major
// order over the in-map taps (PyTorch's rule; NaNs are not treated specially). The residual add
// passes dL/dout unchanged to r: no kernel, the shortcut's backward reads dL/dout directly
// (depthwise-conv2d-backward.wgsl, *Shortcut).
// Gather without atomics: pixel (y, x) is only in windows oy in {floor(y/2), floor(y/2)+1} (the
// second when y is odd), likewise ox. One invocation owns the 2x2 tile of pixels
// (2ty..2ty+1, 2tx..2tx+1) x 4 channels: it finds the arg-max of the (up to) 4 windows that touch
// the tile (36 y loads) and adds each window's gradient to the tile pixel that is its arg-max. An
// arg-max outside the tile belongs to a neighbouring tile, which sees the same window, so every
// (pixel, window) pair is counted exactly once.
// Layout: g [N,OH,OW,C], y and gy [N,H,W,C], all vec4 (C a multiple of 4); OH = floor((H-1)/2)+1.
// Grid: x = ceil(OH*OW * C/4 / WG_SIZE) (one invocation per tile and channel group; there are
// OH x OW tiles); y = N (face index).
// Bindings: 0 g, 1 y, 2 gy, 3 params.

struct Params {
  h: i32, w: i32, oh: i32, ow: i32,
  c4: i32, _pad0: i32, _pad1: i32, _pad2: i32,
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> y: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gy: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

// Per channel, the map pixel index (iy * W + ix) of window (oy, ox)'s first maximum.
fn argmax(n: i32, oy: i32, ox: i32, cq: i32) -> vec4i {
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

struct Tile { g00: vec4f, g01: vec4f, g10: vec4f, g11: vec4f }

fn route(t: Tile, n: i32, oy: i32, ox: i32, cq: i32, ty: i32, tx: i32) -> Tile {
  if (oy >= p.oh || ox >= p.ow) { return t; }
  let at = argmax(n, oy, ox, cq);
  let gv = g[((n * p.oh + oy) * p.ow + ox) * p.c4 + cq];
  let z = vec4f(0.0);
  let p00 = (2 * ty) * p.w + 2 * tx;
  return Tile(
    t.g00 + select(z, gv, at == vec4i(p00)),
    t.g01 + select(z, gv, at == vec4i(p00 + 1)),
    t.g10 + select(z, gv, at == vec4i(p00 + p.w)),
    t.g11 + select(z, gv, at == vec4i(p00 + p.w + 1)));
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let t = i / p.c4;
  if (t >= p.oh * p.ow) { return; }
  let ty = t / p.ow;
  let tx = t % p.ow;
  let n = i32(gid.y);
  let z = vec4f(0.0);
  var acc = Tile(z, z, z, z);
  acc = route(acc, n, ty, tx, cq, ty, tx);
  acc = route(acc, n, ty, tx + 1, cq, ty, tx);
  acc = route(acc, n, ty + 1, tx, cq, ty, tx);
  acc = route(acc, n, ty + 1, tx + 1, cq, ty, tx);
  let o = ((n * p.h + 2 * ty) * p.w + 2 * tx) * p.c4 + cq;
  let right = 2 * tx + 1 < p.w;
  let below = 2 * ty + 1 < p.h;
  gy[o] = acc.g00;
  if (right) { gy[o + p.c4] = acc.g01; }
  if (below) { gy[o + p.w * p.c4] = acc.g10; }
  if (right && below) { gy[o + (p.w + 1) * p.c4] = acc.g11; }
}
