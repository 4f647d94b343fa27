// relu-backward: guided ReLU backward (Springenberg et al. 2015), elementwise:
//   gx = g where fwd > 0 and g > 0, else 0
// fwd is the ReLU's forward input or output (same sign). The other *-backward kernels apply the
// same rule in their epilogues; this standalone kernel is for graphs where nothing precedes it.
// Layout: g, fwd, gx [N, L] as vec4 (L = H*W*C floats per face, a multiple of 4).
// One invocation: one vec4 of one face. Grid: x = ceil(L/4 / WG_SIZE); y = N (face index).
// Bindings: 0 g, 1 fwd, 2 gx, 3 params.

struct Params {
  len4: i32, _pad0: i32, _pad1: i32, _pad2: i32,
}

@group(0) @binding(0) var<storage, read> g: array<vec4f>;
@group(0) @binding(1) var<storage, read> fwd: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> gx: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  if (i >= p.len4) { return; }
  let o = i32(gid.y) * p.len4 + i;
  let v = g[o];
  gx[o] = select(vec4f(0.0), v, (fwd[o] > vec4f(0.0)) & (v > vec4f(0.0)));
}
