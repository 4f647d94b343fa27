// resize-to-tensor: the detector's input tensor from the frame texture. The frame (frameW x frameH,
// rgba8unorm), or the region of it starting at (off_x, off_y) (a tracked face's window), is resized to inW x inH with bilinear interpolation on pixel centres (OpenCV
// INTER_LINEAR, half-pixel: src = off + (dst + 0.5) * region/in - 0.5, clamped to the edge), placed at the
// top-left of a padW x padH tensor whose remaining right/bottom band is zero (FaceDetectorYN's
// padWithDivisor), as B, G, R in 0..255: YuNet was trained on OpenCV's BGR images, unscaled.
// Layout: frame texture_2d<f32>; out [padH, padW, 3] f32. (Three channels, not a zero-padded
// vec4: the first conv reads them as f32, which SwiftShader ran ~3x faster than vec4 loads at
// stride 2: median 112 vs 389 ms at 640x480, interleaved runs.)
// One invocation: one output pixel. Grid: x = ceil(padW*padH / WG_SIZE).
// Bindings: 0 frame, 1 out, 2 params.

struct Params {
  frame_w: i32, frame_h: i32, in_w: i32, in_h: i32,
  pad_w: i32, pad_h: i32, scale_x: f32, scale_y: f32,
  off_x: f32, off_y: f32,
}

@group(0) @binding(0) var frame: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG_SIZE: u32 = 64;

fn texel(x: i32, y: i32) -> vec3f {
  return textureLoad(frame, vec2i(clamp(x, 0, p.frame_w - 1), clamp(y, 0, p.frame_h - 1)), 0).rgb;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  if (i >= p.pad_w * p.pad_h) { return; }
  let x = i % p.pad_w;
  let y = i / p.pad_w;
  if (x >= p.in_w || y >= p.in_h) {
    out[i * 3] = 0.0;
    out[i * 3 + 1] = 0.0;
    out[i * 3 + 2] = 0.0;
    return;
  }
  let sx = p.off_x + (f32(x) + 0.5) * p.scale_x - 0.5;
  let sy = p.off_y + (f32(y) + 0.5) * p.scale_y - 0.5;
  let fx = floor(sx);
  let fy = floor(sy);
  let ax = sx - fx;
  let ay = sy - fy;
  let x0 = i32(fx);
  let y0 = i32(fy);
  let top = mix(texel(x0, y0), texel(x0 + 1, y0), ax);
  let bottom = mix(texel(x0, y0 + 1), texel(x0 + 1, y0 + 1), ax);
  let rgb = mix(top, bottom, ay) * 255.0;
  out[i * 3] = rgb.b;
  out[i * 3 + 1] = rgb.g;
  out[i * 3 + 2] = rgb.r;
}
