// separable-conv2d: a separable convolution in one dispatch: depthwise 3x3 (stride 1, zero pad 1,
// no bias) then pointwise 1x1 + bias, optional ReLU: y = act(pw(dw(x)) + b). The depthwise result
// never leaves workgroup memory, so the pair costs one dispatch and no intermediate buffer.
// Layout: x [N,H,W,Cin] vec4 (Cin a multiple of 4); dw [3,3,Cin] vec4; pw [Cin,Cout8] vec4 and b
// [Cout8] vec4 (Cout zero-padded to a multiple of 8 at load); y [N,H,W,Cout] vec4 (Cout a multiple of 4).
// A "quad" is 4 horizontally adjacent pixels of one row (the last quad of a row may be partial);
// quads are numbered row by row. One workgroup: TILE_QUADS consecutive quads of one face.
//   Phase 1, one item = (quad, 4 input channels): depthwise for the 4 pixels; the 6 input columns of
//   each kernel row are shared by the 4 outputs. Result -> workgroup memory t.
//   Phase 2, one item = (quad, 8 output channels): the pointwise matmul from t, Cin 4 at a time
//   (4 t loads + 8 weight loads feed 32 vec4 FMAs), + bias, act, store.
// Invocations loop over items (channel index fastest); one barrier separates the phases.
// Grid: x = ceil(quads per face / TILE_QUADS); y = N (face index).
// Bindings: 0 x, 1 dw, 2 pw, 3 b, 4 y, 5 params.

struct Params {
  h: i32, w: i32, cin4: i32, cout4: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> dw: array<vec4f>;
@group(0) @binding(2) var<storage, read> pw: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(5) var<uniform> p: Params;

override WG_SIZE: u32 = 64;
override ACT: u32 = 0;           // 0 none, 1 relu
override TILE_QUADS: u32 = 16;   // quads per workgroup
override TILE_VEC4: u32 = 1024;  // >= TILE_QUADS * 4 * Cin/4: depthwise outputs of the tile

var<workgroup> t: array<vec4f, TILE_VEC4>;

fn act(v: vec4f) -> vec4f {
  if (ACT == 1u) { return max(v, vec4f(0.0)); }
  return v;
}

fn tap(row: i32, ix: i32, k: i32) -> vec4f {
  let ok = ix >= 0 && ix < p.w;
  return select(vec4f(0.0), x[select(0, (row + ix) * p.cin4 + k, ok)], ok);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let n = i32(wid.y);
  let tq = i32(TILE_QUADS);
  let xq = (p.w + 3) / 4;        // quads per row
  let quads = p.h * xq;
  let q0 = i32(wid.x) * tq;      // first quad of the tile
  let cin4 = p.cin4;

  // Phase 1: depthwise 3x3 of the tile's quads into t[(quad*4 + j) * cin4 + k].
  for (var item = i32(lid); item < tq * cin4; item += i32(WG_SIZE)) {
    let q = item / cin4;
    let k = item % cin4;
    let Q = q0 + q;
    var a0 = vec4f(0.0);
    var a1 = a0; var a2 = a0; var a3 = a0;
    if (Q < quads) {
      let oy = Q / xq;
      let ox = (Q % xq) * 4;
      for (var ky = 0; ky < 3; ky++) {
        let iy = oy + ky - 1;
        if (iy < 0 || iy >= p.h) { continue; }
        let row = (n * p.h + iy) * p.w;
        let v0 = tap(row, ox - 1, k); let v1 = tap(row, ox, k); let v2 = tap(row, ox + 1, k);
        let v3 = tap(row, ox + 2, k); let v4 = tap(row, ox + 3, k); let v5 = tap(row, ox + 4, k);
        let w0 = dw[(ky * 3) * cin4 + k];
        let w1 = dw[(ky * 3 + 1) * cin4 + k];
        let w2 = dw[(ky * 3 + 2) * cin4 + k];
        a0 += v0 * w0 + v1 * w1 + v2 * w2;
        a1 += v1 * w0 + v2 * w1 + v3 * w2;
        a2 += v2 * w0 + v3 * w1 + v4 * w2;
        a3 += v3 * w0 + v4 * w1 + v5 * w2;
      }
    }
    let o = q * 4 * cin4 + k;
    t[o] = a0;
    t[o + cin4] = a1;
    t[o + 2 * cin4] = a2;
    t[o + 3 * cin4] = a3;
  }
  workgroupBarrier();

  // Phase 2: pointwise from t, 4 pixels x 8 output channels per item.
  let groups = (p.cout4 + 1) / 2;
  let stride = groups * 2;  // vec4s per pw row
  for (var item = i32(lid); item < tq * groups; item += i32(WG_SIZE)) {
    let q = item / groups;
    let g = item % groups;
    let Q = q0 + q;
    if (Q >= quads) { continue; }
    let cq = g * 2;
    var a0 = bias[cq];
    var a1 = a0; var a2 = a0; var a3 = a0;
    var e0 = bias[cq + 1];
    var e1 = e0; var e2 = e0; var e3 = e0;
    let s0 = q * 4 * cin4;
    var r = cq;
    for (var k = 0; k < cin4; k++) {
      let w0 = pw[r]; let v0 = pw[r + 1]; r += stride;
      let w1 = pw[r]; let v1 = pw[r + 1]; r += stride;
      let w2 = pw[r]; let v2 = pw[r + 1]; r += stride;
      let w3 = pw[r]; let v3 = pw[r + 1]; r += stride;
      let x0 = t[s0 + k]; let x1 = t[s0 + cin4 + k]; let x2 = t[s0 + 2 * cin4 + k]; let x3 = t[s0 + 3 * cin4 + k];
      a0 += x0.x * w0 + x0.y * w1 + x0.z * w2 + x0.w * w3;
      a1 += x1.x * w0 + x1.y * w1 + x1.z * w2 + x1.w * w3;
      a2 += x2.x * w0 + x2.y * w1 + x2.z * w2 + x2.w * w3;
      a3 += x3.x * w0 + x3.y * w1 + x3.z * w2 + x3.w * w3;
      e0 += x0.x * v0 + x0.y * v1 + x0.z * v2 + x0.w * v3;
      e1 += x1.x * v0 + x1.y * v1 + x1.z * v2 + x1.w * v3;
      e2 += x2.x * v0 + x2.y * v1 + x2.z * v2 + x2.w * v3;
      e3 += x3.x * v0 + x3.y * v1 + x3.z * v2 + x3.w * v3;
    }
    let oy = Q / xq;
    let ox = (Q % xq) * 4;
    let base = (n * p.h + oy) * p.w + ox;  // pixel index of the quad's first pixel
    let hasB = cq + 1 < p.cout4;
    y[base * p.cout4 + cq] = act(a0);
    if (hasB) { y[base * p.cout4 + cq + 1] = act(e0); }
    if (ox + 1 < p.w) {
      y[(base + 1) * p.cout4 + cq] = act(a1);
      if (hasB) { y[(base + 1) * p.cout4 + cq + 1] = act(e1); }
    }
    if (ox + 2 < p.w) {
      y[(base + 2) * p.cout4 + cq] = act(a2);
      if (hasB) { y[(base + 2) * p.cout4 + cq + 1] = act(e2); }
    }
    if (ox + 3 < p.w) {
      y[(base + 3) * p.cout4 + cq] = act(a3);
      if (hasB) { y[(base + 3) * p.cout4 + cq + 1] = act(e3); }
    }
  }
}
