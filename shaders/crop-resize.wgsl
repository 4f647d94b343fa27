// crop-resize: every face's classifier crops in one dispatch, straight from the frame texture.
// Each job maps crop pixels to frame pixels with an affine (src/vision/crop-policy.ts):
//   (x, y) = M·(u, v) + t   in continuous pixel coordinates (pixel i covers [i, i+1)),
// and averages TAPS×TAPS bilinear samples spread evenly over the crop pixel's footprint (TAPS =
// ceil(frame pixels per crop pixel), capped): area averaging when downscaling, plain bilinear when
// upscaling. Coordinates are clamped to the frame, so pixels beyond a border repeat the edge.
// Output (one f32 buffer, NHWC, values 0..255):
//   gray crops at [0, n·G·G): 0.299 R + 0.587 G + 0.114 B, G×G per face;
//   RGB crops at [rgbOffset, rgbOffset + n·C·C·3), C×C×3 per face (only when grid z = 2).
// Grid: x = ceil(max(G², C²) / WG_SIZE) pixels, y = n faces, z = 1 (gray) or 2 (gray + RGB).
// One invocation: one output pixel of one crop.
// Bindings: 0 frame (rgba8unorm, sampled as float), 1 jobs (2 per face: gray, RGB), 2 out, 3 params.

struct Job {
  m: vec4f,      // a, b, c, d: x = a·u + b·v + tx, y = c·u + d·v + ty
  t: vec2f,
  taps: u32,
  _pad: u32,
}

struct Params {
  frameW: i32, frameH: i32, graySize: i32, rgbSize: i32,
  rgbOffset: i32, _pad0: i32, _pad1: i32, _pad2: i32,
}

@group(0) @binding(0) var frame: texture_2d<f32>;
@group(0) @binding(1) var<storage, read> jobs: array<Job>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

fn texel(x: i32, y: i32) -> vec3f {
  return textureLoad(frame, vec2i(clamp(x, 0, p.frameW - 1), clamp(y, 0, p.frameH - 1)), 0).rgb;
}

/** Bilinear at continuous (x, y): texel centres at i + 0.5, edges clamped. */
fn bilinear(x: f32, y: f32) -> vec3f {
  let fx = x - 0.5;
  let fy = y - 0.5;
  let x0 = floor(fx);
  let y0 = floor(fy);
  let wx = fx - x0;
  let wy = fy - y0;
  let ix = i32(x0);
  let iy = i32(y0);
  let top = mix(texel(ix, iy), texel(ix + 1, iy), wx);
  let bottom = mix(texel(ix, iy + 1), texel(ix + 1, iy + 1), wx);
  return mix(top, bottom, wy);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let kind = i32(gid.z);
  let face = i32(gid.y);
  let size = select(p.graySize, p.rgbSize, kind == 1);
  let idx = i32(gid.x);
  if (idx >= size * size) {
    return;
  }
  let job = jobs[2 * face + kind];
  let u = f32(idx % size);
  let v = f32(idx / size);
  let k = max(job.taps, 1u);
  let step = 1.0 / f32(k);
  var acc = vec3f(0.0);
  for (var j = 0u; j < k; j++) {
    let vv = v + (f32(j) + 0.5) * step;
    for (var i = 0u; i < k; i++) {
      let uu = u + (f32(i) + 0.5) * step;
      acc += bilinear(job.m.x * uu + job.m.y * vv + job.t.x, job.m.z * uu + job.m.w * vv + job.t.y);
    }
  }
  let rgb = acc * (255.0 / f32(k * k));
  if (kind == 0) {
    out[face * size * size + idx] = dot(rgb, vec3f(0.299, 0.587, 0.114));
  } else {
    let o = p.rgbOffset + (face * size * size + idx) * 3;
    out[o] = rgb.r;
    out[o + 1] = rgb.g;
    out[o + 2] = rgb.b;
  }
}
