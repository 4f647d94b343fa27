// head-gap-backward: the classifier head's backward, from the choice of logit to the gradient of
// the head's input (the last module's output). Three entry points:
//   selectLogits: per face, the target class (request[2+i], or the arg-max of the probabilities
//     when it is -1; with flip TTA the probabilities of the face and of its mirror, rows i and
//     i + request[1], are averaged first, as classify() reports them; ties: lowest class) and the
//     one-hot logit gradient e_t. Softmax is not differentiated: saliency explains the logit.
//   headGapBackward: gx[n] = sum_k gl[n,k] * weff[k]: the input gradient of conv KxK 'same' + global
//     average pool in one step, since both are linear and head-gap.ts folds them into weff.
//   selectHeadGapBackward: both at once for a one-hot gl: each invocation picks its face's target
//     as selectLogits does (K ≤ 64 loads, cheaper than a dispatch) and copies weff[target];
//     the first invocation of each face writes chosen. No gl buffer.
// Layout: head [rows, 2K] f32 (head-gap.wgsl's output: logits then probs); request i32
// [2 + N] = (n, mirror row offset or 0, target per face); gl [N,K] f32; chosen [N] i32;
// weff [K, L4] vec4 (L4 = H*W*C/4); gx [N, L4] vec4.
// selectLogits: one invocation per face; grid x = ceil(n / WG_SIZE).
// headGapBackward, selectHeadGapBackward: one vec4 of one face per invocation; grid x =
// ceil(L4 / WG_SIZE), y = N.
// Bindings: selectLogits 0 head, 1 request, 2 gl (write), 3 chosen, 6 params;
//           headGapBackward 2 gl (read), 4 weff, 5 gx, 6 params;
//           selectHeadGapBackward 0 head, 1 request, 3 chosen, 4 weff, 5 gx, 6 params.

struct Params {
  k: i32, len4: i32, _pad0: i32, _pad1: i32,
}

@group(0) @binding(0) var<storage, read> head: array<f32>;
@group(0) @binding(1) var<storage, read> request: array<i32>;
@group(0) @binding(2) var<storage, read_write> glOut: array<f32>;
@group(0) @binding(2) var<storage, read> gl: array<f32>;
@group(0) @binding(3) var<storage, read_write> chosen: array<i32>;
@group(0) @binding(4) var<storage, read> weff: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(6) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

fn prob(i: i32, j: i32, mirror: i32) -> f32 {
  let a = head[i * 2 * p.k + p.k + j];
  if (mirror == 0) { return a; }
  return 0.5 * (a + head[(i + mirror) * 2 * p.k + p.k + j]);
}

// Face i's target: request[2+i], or the first arg-max of its (flip-averaged) probabilities.
fn targetOf(i: i32) -> i32 {
  let mirror = request[1];
  var t = request[2 + i];
  if (t < 0 || t >= p.k) {
    t = 0;
    var best = prob(i, 0, mirror);
    for (var j = 1; j < p.k; j++) {
      let v = prob(i, j, mirror);
      if (v > best) { best = v; t = j; }
    }
  }
  return t;
}

@compute @workgroup_size(WG_SIZE)
fn selectLogits(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  if (i >= request[0]) { return; }
  let t = targetOf(i);
  chosen[i] = t;
  for (var j = 0; j < p.k; j++) { glOut[i * p.k + j] = select(0.0, 1.0, j == t); }
}

@compute @workgroup_size(WG_SIZE)
fn headGapBackward(@builtin(global_invocation_id) gid: vec3u) {
  let e = i32(gid.x);
  if (e >= p.len4) { return; }
  let n = i32(gid.y);
  var acc = vec4f(0.0);
  for (var j = 0; j < p.k; j++) { acc += gl[n * p.k + j] * weff[j * p.len4 + e]; }
  gx[n * p.len4 + e] = acc;
}

@compute @workgroup_size(WG_SIZE)
fn selectHeadGapBackward(@builtin(global_invocation_id) gid: vec3u) {
  let e = i32(gid.x);
  let n = i32(gid.y);
  if (e >= p.len4) { return; }
  let t = targetOf(n);
  if (e == 0) { chosen[n] = t; }
  gx[n * p.len4 + e] = weff[t * p.len4 + e];
}
