// maxpool-add: the tail of a residual module, out = maxpool3x3/2(y) + r, with max-pool padding 1 of
// -inf (PyTorch max_pool2d(y, 3, 2, 1)): OH = floor((H-1)/2)+1, likewise OW.
//   maxpoolAdd:         r read from a buffer [N,OH,OW,C].
//   maxpoolShortcutAdd: r = conv1x1/2(x) + bs computed in place (the module's shortcut conv, BN folded),
//                       x [N,H,W,Cin] sampled at (2*oy, 2*ox): saves a dispatch and the r buffer.
// Layout: y [N,H,W,C], x [N,H,W,Cin], r and out [N,OH,OW,C], all read as vec4 (C, Cin multiples
// of 4); ws [Cin,C] as vec4, bs [C] as vec4.
// One invocation: one output pixel x 4 channels (one vec4) of one face; channel groups fastest.
// Grid: x = ceil(OH*OW*C/4 / WG_SIZE); y = N (face index).
// Bindings: 0 y, 1 x (or r), 2 ws, 3 bs, 4 out, 5 params (maxpoolAdd leaves 2 and 3 unbound).

struct Params {
  h: i32, w: i32, oh: i32, ow: i32,
  c4: i32, cin4: i32, _pad0: i32, _pad1: i32,
}

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read> ws: array<vec4f>;
@group(0) @binding(3) var<storage, read> bs: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

struct Site { n: i32, oy: i32, ox: i32, cq: i32, ok: bool }

fn site(gid: vec3u) -> Site {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let px = i / p.c4;
  return Site(i32(gid.y), px / p.ow, px % p.ow, cq, px < p.oh * p.ow);
}

fn maxpool(s: Site) -> vec4f {
  // Padding is -inf, so out-of-map taps are simply skipped; the window's centre (2*oy, 2*ox) is
  // always inside the map (oy <= (H-1)/2) and seeds the max.
  var m = y[((s.n * p.h + s.oy * 2) * p.w + s.ox * 2) * p.c4 + s.cq];
  for (var ky = 0; ky < 3; ky++) {
    let iy = s.oy * 2 + ky - 1;
    if (iy < 0 || iy >= p.h) { continue; }
    for (var kx = 0; kx < 3; kx++) {
      let ix = s.ox * 2 + kx - 1;
      if (ix < 0 || ix >= p.w) { continue; }
      m = max(m, y[((s.n * p.h + iy) * p.w + ix) * p.c4 + s.cq]);
    }
  }
  return m;
}

fn outIndex(s: Site) -> i32 {
  return ((s.n * p.oh + s.oy) * p.ow + s.ox) * p.c4 + s.cq;
}

@compute @workgroup_size(WG_SIZE)
fn maxpoolAdd(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let o = outIndex(s);
  out[o] = maxpool(s) + src[o];
}

@compute @workgroup_size(WG_SIZE)
fn maxpoolShortcutAdd(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  var r = bs[s.cq];
  let q = ((s.n * p.h + s.oy * 2) * p.w + s.ox * 2) * p.cin4;
  var k = s.cq;
  for (var j = 0; j < p.cin4; j++) {
    let v = src[q + j];
    r += v.x * ws[k] + v.y * ws[k + p.c4] + v.z * ws[k + 2 * p.c4] + v.w * ws[k + 3 * p.c4];
    k += 4 * p.c4;
  }
  out[outIndex(s)] = maxpool(s) + r;
}
