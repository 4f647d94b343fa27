// maxpool-add: the tail of a residual module, out = maxpool3x3/2(y) + r, with max-pool padding 1 of
// -inf (PyTorch max_pool2d(y, 3, 2, 1)): OH = floor((H-1)/2)+1, likewise OW.
//   maxpoolAdd:         r read from a buffer [N,OH,OW,C].
//   maxpoolShortcutAdd: r = conv1x1/2(x) + bs computed in place (the module's shortcut conv, BN folded),
//                       x [N,H,W,Cin] sampled at (2*oy, 2*ox): saves a dispatch and the r buffer.
// Layout: y [N,H,W,C], x [N,H,W,Cin], r and out [N,OH,OW,C], all read as vec4 (C, Cin multiples
// of 4); ws [Cin,C] as vec4, bs [C] as vec4.
// One invocation: 2 horizontally adjacent output pixels (TILE_PX) x 8 channels (TILE_C4 = 2 vec4
// groups) of one face. The two pool windows share their middle column (5 columns x 3 rows = 15 y
// loads per vec4 group for 2 outputs instead of 18); in the shortcut each x vec4 is shared by the 2
// channel groups and each weight vec4 by the 2 pixels (2 x + 8 w loads for 16 vec4 FMAs per Cin/4).
// Edges: a second pixel past OW and a second channel group past C/4 (C/4 odd) are computed on
// clamped, in-map indices and not stored. Channel-group pairs are fastest across invocations.
// The body is written for this tile: TILE_PX and TILE_C4 (supplied by MaxpoolAdd, which uses the
// same values for its dispatch) must be 2.
// Grid: x = ceil(OH * ceil(OW/2) * ceil(C/8) / WG_SIZE); y = N (face index).
// Bindings: 0 y, 1 x (or r), 2 ws, 3 bs, 4 out, 5 params (maxpoolAdd leaves 2 and 3 unbound).

struct Params {
  h: i32, w: i32, oh: i32, ow: i32,
  c4: i32, cin4: i32, cgroups: i32, xblocks: i32,  // cgroups = ceil(c4/2), xblocks = ceil(ow/2)
}

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read> ws: array<vec4f>;
@group(0) @binding(3) var<storage, read> bs: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override TILE_PX: i32;  // output pixels per invocation along x (2)
override TILE_C4: i32;  // vec4 channel groups per invocation (2)

const NEG = vec4f(-3.402823e38);

// The tile: face n, output row oy, first output column ox (ox < ow), channel groups c0 and
// c1 = c0 + 1 clamped to c4 - 1 (has1: c0 + 1 < c4, so c1 is stored).
struct Site { n: i32, oy: i32, ox: i32, c0: i32, c1: i32, has1: bool, ok: bool }

fn site(gid: vec3u) -> Site {
  let i = i32(gid.x);
  let c0 = (i % p.cgroups) * TILE_C4;
  let bx = (i / p.cgroups) % p.xblocks;
  let oy = i / (p.cgroups * p.xblocks);
  return Site(i32(gid.y), oy, bx * TILE_PX, c0, min(c0 + 1, p.c4 - 1), c0 + 1 < p.c4, oy < p.oh);
}

struct Pair { a: vec4f, b: vec4f }

// y at column ix of a row, or -inf (NEG) outside the map.
fn yAt(row: i32, ix: i32, cq: i32, rowOk: bool) -> vec4f {
  let ok = rowOk && ix >= 0 && ix < p.w;
  return select(NEG, y[select(0, (row + ix) * p.c4 + cq, ok)], ok);
}

// One input row of both pool windows (columns 2*ox-1 .. 2*ox+3; the windows share column 2*ox+1).
fn poolRow(n: i32, iy: i32, ox: i32, cq: i32) -> Pair {
  let rowOk = iy >= 0 && iy < p.h;
  let row = (n * p.h + iy) * p.w;
  let c = 2 * ox;
  let t0 = yAt(row, c - 1, cq, rowOk);
  let t1 = yAt(row, c, cq, rowOk);
  let t2 = yAt(row, c + 1, cq, rowOk);
  let t3 = yAt(row, c + 2, cq, rowOk);
  let t4 = yAt(row, c + 3, cq, rowOk);
  return Pair(max(t0, max(t1, t2)), max(t2, max(t3, t4)));
}

// Max-pool of output pixels (oy, ox) and (oy, ox + 1) for channel group cq. Every stored output's
// window centre (2*oy, 2*ox) is inside the map, so NEG never survives into a stored value.
fn pool2(s: Site, cq: i32) -> Pair {
  let r0 = poolRow(s.n, 2 * s.oy - 1, s.ox, cq);
  let r1 = poolRow(s.n, 2 * s.oy, s.ox, cq);
  let r2 = poolRow(s.n, 2 * s.oy + 1, s.ox, cq);
  return Pair(max(r0.a, max(r1.a, r2.a)), max(r0.b, max(r1.b, r2.b)));
}

fn outIndex(s: Site) -> i32 {
  return ((s.n * p.oh + s.oy) * p.ow + s.ox) * p.c4;
}

@compute @workgroup_size(WG_SIZE)
fn maxpoolAdd(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let o = outIndex(s);
  let has2 = s.ox + 1 < p.ow;
  let m0 = pool2(s, s.c0);
  out[o + s.c0] = m0.a + src[o + s.c0];
  if (has2) { out[o + p.c4 + s.c0] = m0.b + src[o + p.c4 + s.c0]; }
  if (s.has1) {
    let m1 = pool2(s, s.c1);
    out[o + s.c1] = m1.a + src[o + s.c1];
    if (has2) { out[o + p.c4 + s.c1] = m1.b + src[o + p.c4 + s.c1]; }
  }
}

@compute @workgroup_size(WG_SIZE)
fn maxpoolShortcutAdd(@builtin(global_invocation_id) gid: vec3u) {
  let s = site(gid);
  if (!s.ok) { return; }
  let has2 = s.ox + 1 < p.ow;
  // Shortcut conv at input pixels (2*oy, 2*ox) and (2*oy, 2*ox + 2), the second clamped into the map.
  var r00 = bs[s.c0]; var r01 = bs[s.c1];  // r<pixel><group>
  var r10 = r00; var r11 = r01;
  let q0 = ((s.n * p.h + 2 * s.oy) * p.w + 2 * s.ox) * p.cin4;
  let q1 = ((s.n * p.h + 2 * s.oy) * p.w + 2 * min(s.ox + 1, p.ow - 1)) * p.cin4;
  var k = 0;
  for (var j = 0; j < p.cin4; j++) {
    let x0 = src[q0 + j];
    let x1 = src[q1 + j];
    let a0 = ws[k + s.c0]; let a1 = ws[k + p.c4 + s.c0]; let a2 = ws[k + 2 * p.c4 + s.c0]; let a3 = ws[k + 3 * p.c4 + s.c0];
    let b0 = ws[k + s.c1]; let b1 = ws[k + p.c4 + s.c1]; let b2 = ws[k + 2 * p.c4 + s.c1]; let b3 = ws[k + 3 * p.c4 + s.c1];
    r00 += x0.x * a0 + x0.y * a1 + x0.z * a2 + x0.w * a3;
    r01 += x0.x * b0 + x0.y * b1 + x0.z * b2 + x0.w * b3;
    r10 += x1.x * a0 + x1.y * a1 + x1.z * a2 + x1.w * a3;
    r11 += x1.x * b0 + x1.y * b1 + x1.z * b2 + x1.w * b3;
    k += 4 * p.c4;
  }
  let o = outIndex(s);
  let m0 = pool2(s, s.c0);
  out[o + s.c0] = m0.a + r00;
  if (has2) { out[o + p.c4 + s.c0] = m0.b + r10; }
  if (s.has1) {
    let m1 = pool2(s, s.c1);
    out[o + s.c1] = m1.a + r01;
    if (has2) { out[o + p.c4 + s.c1] = m1.b + r11; }
  }
}
