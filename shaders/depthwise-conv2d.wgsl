// depthwise-conv2d: 3x3 depthwise convolution, stride 1, zero padding 1 ('same'), optional ReLU.
// Layout: x [N,H,W,C] and y [N,H,W,C] read as vec4 (C a multiple of 4); w [3,3,C] as vec4.
// One invocation: a 4x4 block of output pixels (TILE_X = 4 columns x TILE_Y = 4 rows) x 4 channels
// (one vec4) of one face. The 9 weight vec4s are loaded once; each of the 6 input rows the block
// touches is loaded once as 6 taps (columns ox-1 .. ox+4) and feeds every output row it lies under:
// 36 x loads + 9 w loads for 144 vec4 FMAs (SwiftShader's cost is the bounds-checked loads).
// The rows are unrolled: out-of-map taps (padding, and the rows/columns past a partial block at the
// bottom/right edge) read as zero via select, and only in-map outputs are stored. Channel groups are
// fastest across invocations, so neighbouring lanes load neighbouring vec4s.
// The body is written for a 4x4 block: TILE_X and TILE_Y (supplied by DepthwiseConv2d, which uses
// the same values for its dispatch) must be 4.
// Grid: x = ceil(ceil(H/4) * ceil(W/4) * C/4 / WG_SIZE); y = N (face index).
// Bindings: 0 x, 1 w, 2 y, 3 params.

struct Params {
  h: i32, w: i32, c4: i32, xblocks: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;  // 0 none, 1 relu
override TILE_X: i32;   // output columns per invocation (4)
override TILE_Y: i32;   // output rows per invocation (4)

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

// x at (row, column ix) of channel group cq, or zero outside the map (rowOk: the row is inside).
fn tap(row: i32, ix: i32, cq: i32, rowOk: bool) -> vec4f {
  let ok = rowOk && ix >= 0 && ix < p.w;
  return select(vec4f(0.0), x[select(0, (row + ix) * p.c4 + cq, ok)], ok);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let bx = (i / p.c4) % p.xblocks;
  let oy = (i / (p.c4 * p.xblocks)) * TILE_Y;
  if (oy >= p.h) { return; }
  let n = i32(gid.y);
  let ox = bx * TILE_X;

  let w00 = wt[0 * p.c4 + cq]; let w01 = wt[1 * p.c4 + cq]; let w02 = wt[2 * p.c4 + cq];
  let w10 = wt[3 * p.c4 + cq]; let w11 = wt[4 * p.c4 + cq]; let w12 = wt[5 * p.c4 + cq];
  let w20 = wt[6 * p.c4 + cq]; let w21 = wt[7 * p.c4 + cq]; let w22 = wt[8 * p.c4 + cq];

  var a00 = vec4f(0.0); var a01 = a00; var a02 = a00; var a03 = a00;
  var a10 = vec4f(0.0); var a11 = a10; var a12 = a10; var a13 = a10;
  var a20 = vec4f(0.0); var a21 = a20; var a22 = a20; var a23 = a20;
  var a30 = vec4f(0.0); var a31 = a30; var a32 = a30; var a33 = a30;
  { // input row oy - 1: kernel row 0 of output row 0
    let iy = oy - 1;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a00 += v0 * w00 + v1 * w01 + v2 * w02;
    a01 += v1 * w00 + v2 * w01 + v3 * w02;
    a02 += v2 * w00 + v3 * w01 + v4 * w02;
    a03 += v3 * w00 + v4 * w01 + v5 * w02;
  }
  { // input row oy: kernel row 1 of output row 0, 0 of output row 1
    let iy = oy;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a00 += v0 * w10 + v1 * w11 + v2 * w12;
    a01 += v1 * w10 + v2 * w11 + v3 * w12;
    a02 += v2 * w10 + v3 * w11 + v4 * w12;
    a03 += v3 * w10 + v4 * w11 + v5 * w12;
    a10 += v0 * w00 + v1 * w01 + v2 * w02;
    a11 += v1 * w00 + v2 * w01 + v3 * w02;
    a12 += v2 * w00 + v3 * w01 + v4 * w02;
    a13 += v3 * w00 + v4 * w01 + v5 * w02;
  }
  { // input row oy + 1: kernel row 2 of output row 0, 1 of output row 1, 0 of output row 2
    let iy = oy + 1;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a00 += v0 * w20 + v1 * w21 + v2 * w22;
    a01 += v1 * w20 + v2 * w21 + v3 * w22;
    a02 += v2 * w20 + v3 * w21 + v4 * w22;
    a03 += v3 * w20 + v4 * w21 + v5 * w22;
    a10 += v0 * w10 + v1 * w11 + v2 * w12;
    a11 += v1 * w10 + v2 * w11 + v3 * w12;
    a12 += v2 * w10 + v3 * w11 + v4 * w12;
    a13 += v3 * w10 + v4 * w11 + v5 * w12;
    a20 += v0 * w00 + v1 * w01 + v2 * w02;
    a21 += v1 * w00 + v2 * w01 + v3 * w02;
    a22 += v2 * w00 + v3 * w01 + v4 * w02;
    a23 += v3 * w00 + v4 * w01 + v5 * w02;
  }
  { // input row oy + 2: kernel row 2 of output row 1, 1 of output row 2, 0 of output row 3
    let iy = oy + 2;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a10 += v0 * w20 + v1 * w21 + v2 * w22;
    a11 += v1 * w20 + v2 * w21 + v3 * w22;
    a12 += v2 * w20 + v3 * w21 + v4 * w22;
    a13 += v3 * w20 + v4 * w21 + v5 * w22;
    a20 += v0 * w10 + v1 * w11 + v2 * w12;
    a21 += v1 * w10 + v2 * w11 + v3 * w12;
    a22 += v2 * w10 + v3 * w11 + v4 * w12;
    a23 += v3 * w10 + v4 * w11 + v5 * w12;
    a30 += v0 * w00 + v1 * w01 + v2 * w02;
    a31 += v1 * w00 + v2 * w01 + v3 * w02;
    a32 += v2 * w00 + v3 * w01 + v4 * w02;
    a33 += v3 * w00 + v4 * w01 + v5 * w02;
  }
  { // input row oy + 3: kernel row 2 of output row 2, 1 of output row 3
    let iy = oy + 3;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a20 += v0 * w20 + v1 * w21 + v2 * w22;
    a21 += v1 * w20 + v2 * w21 + v3 * w22;
    a22 += v2 * w20 + v3 * w21 + v4 * w22;
    a23 += v3 * w20 + v4 * w21 + v5 * w22;
    a30 += v0 * w10 + v1 * w11 + v2 * w12;
    a31 += v1 * w10 + v2 * w11 + v3 * w12;
    a32 += v2 * w10 + v3 * w11 + v4 * w12;
    a33 += v3 * w10 + v4 * w11 + v5 * w12;
  }
  { // input row oy + 4: kernel row 2 of output row 3
    let iy = oy + 4;
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
    let v0 = tap(row, ox - 1, cq, rowOk);
    let v1 = tap(row, ox, cq, rowOk);
    let v2 = tap(row, ox + 1, cq, rowOk);
    let v3 = tap(row, ox + 2, cq, rowOk);
    let v4 = tap(row, ox + 3, cq, rowOk);
    let v5 = tap(row, ox + 4, cq, rowOk);
    a30 += v0 * w20 + v1 * w21 + v2 * w22;
    a31 += v1 * w20 + v2 * w21 + v3 * w22;
    a32 += v2 * w20 + v3 * w21 + v4 * w22;
    a33 += v3 * w20 + v4 * w21 + v5 * w22;
  }
  if (oy + 0 < p.h) {
    let o = ((n * p.h + oy + 0) * p.w + ox) * p.c4 + cq;
    y[o] = act(a00);
    if (ox + 1 < p.w) { y[o + 1 * p.c4] = act(a01); }
    if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a02); }
    if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a03); }
  }
  if (oy + 1 < p.h) {
    let o = ((n * p.h + oy + 1) * p.w + ox) * p.c4 + cq;
    y[o] = act(a10);
    if (ox + 1 < p.w) { y[o + 1 * p.c4] = act(a11); }
    if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a12); }
    if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a13); }
  }
  if (oy + 2 < p.h) {
    let o = ((n * p.h + oy + 2) * p.w + ox) * p.c4 + cq;
    y[o] = act(a20);
    if (ox + 1 < p.w) { y[o + 1 * p.c4] = act(a21); }
    if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a22); }
    if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a23); }
  }
  if (oy + 3 < p.h) {
    let o = ((n * p.h + oy + 3) * p.w + ox) * p.c4 + cq;
    y[o] = act(a30);
    if (ox + 1 < p.w) { y[o + 1 * p.c4] = act(a31); }
    if (ox + 2 < p.w) { y[o + 2 * p.c4] = act(a32); }
    if (ox + 3 < p.w) { y[o + 3 * p.c4] = act(a33); }
  }
}
