// head-gap: the classifier head in one dispatch: conv KxK 'same' (+bias) -> global average pool ->
// logits -> softmax. Both conv and mean are linear, so at load head-gap.ts folds them into
// effective weights weff[k, iy, ix, ci] = (1/(H*W)) * sum of the conv taps w[ky,kx,ci,k] whose
// output pixel (iy-ky+pad, ix-kx+pad) lies inside the map; then logits[n,k] = b[k] + <x[n], weff[k]>.
// Layout: x [N,H,W,C] as vec4 (C a multiple of 4); weff [K, H*W*C] as vec4; b [K] f32;
// out [N, 2K] f32: the K raw logits, then the K softmax probabilities.
// One workgroup: one face. Invocation t owns class t % K and a strided share of the H*W*C/4 dot
// product; partial sums meet in workgroup memory, then invocation k < K writes logit and prob k.
// Grid: x = 1; y = N (face index). K ≤ WG_SIZE (head-gap.ts checks).
// Bindings: 0 x, 1 weff, 2 b, 3 out, 4 params.

struct Params {
  len4: i32, k: i32, _pad0: i32, _pad1: i32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> weff: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

var<workgroup> partial: array<f32, WG_SIZE>;
var<workgroup> logits: array<f32, WG_SIZE>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let n = i32(wid.y);
  let ti = i32(t);
  let k = ti % p.k;
  let part = ti / p.k;
  let parts = i32(WG_SIZE) / p.k;
  var acc = 0.0;
  if (part < parts) {
    let xo = n * p.len4;
    let wo = k * p.len4;
    for (var j = part; j < p.len4; j += parts) {
      acc += dot(x[xo + j], weff[wo + j]);
    }
  }
  partial[t] = acc;
  workgroupBarrier();
  if (ti < p.k) {
    var s = bias[ti];
    for (var q = 0; q < parts; q++) { s += partial[ti + q * p.k]; }
    logits[t] = s;
  }
  workgroupBarrier();
  if (ti < p.k) {
    var m = logits[0];
    for (var j = 1; j < p.k; j++) { m = max(m, logits[j]); }
    var z = 0.0;
    for (var j = 0; j < p.k; j++) { z += exp(logits[j] - m); }
    out[n * 2 * p.k + ti] = logits[t];
    out[n * 2 * p.k + p.k + ti] = exp(logits[t] - m) / z;
  }
}
