// Saliency maps → pixels, shared by the app's heat-map layers, the snapshot card and the classify
// CLI's PNGs. Pure functions on plain arrays (testable without a canvas).
//
// A guided back-propagation map is a signed gradient; what it shows is where the input matters,
// so it is displayed by magnitude |g|, normalised per map:
//   - normaliseSaliency(map, 1): |g| / max |g| (the CLI's .saliency.png: the raw map, 0..255);
//   - normaliseSaliency(map) (clip 0.99): |g| / the 99th percentile of |g|, clamped to 1, so a few
//     extreme pixels do not leave the rest of the heat map invisible.
// Colours: Google's Turbo colour map (polynomial fit by Ruofei Du, Apache-2.0), blue (low) to red
// (high); the overlay's alpha grows with the value, so unimportant pixels leave the face visible.

export type Rgb = [number, number, number];

/** |map| / (its `clip` quantile of |map|), clamped to [0, 1]; all zeros stay zero. */
export function normaliseSaliency(map: ArrayLike<number>, clip = 0.99): Float32Array {
  const n = map.length;
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) mag[i] = Math.abs(map[i]);
  let ref: number;
  if (clip >= 1) {
    ref = 0;
    for (let i = 0; i < n; i++) ref = Math.max(ref, mag[i]);
  } else {
    const sorted = Float32Array.from(mag).sort();
    ref = sorted[Math.min(n - 1, Math.floor(clip * (n - 1)))];
    if (!(ref > 0)) ref = sorted[n - 1];
  }
  if (!(ref > 0)) return mag.fill(0);
  for (let i = 0; i < n; i++) mag[i] = Math.min(1, mag[i] / ref);
  return mag;
}

/** Turbo colour of t in [0, 1] as 0..255 RGB. */
export function turbo(t: number): Rgb {
  const x = Math.min(1, Math.max(0, t));
  const x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
  const r = 0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5;
  const g = 0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5;
  const b = 0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5;
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [c(r), c(g), c(b)];
}

/** Bilinear sample of an s×s single-channel image at continuous (x, y) (pixel centres at i + 0.5). */
function sample(img: ArrayLike<number>, s: number, x: number, y: number, ch = 1, j = 0): number {
  const fx = Math.min(Math.max(x - 0.5, 0), s - 1), fy = Math.min(Math.max(y - 0.5, 0), s - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, s - 1), y1 = Math.min(y0 + 1, s - 1);
  const ax = fx - x0, ay = fy - y0;
  const at = (xx: number, yy: number) => img[(yy * s + xx) * ch + j];
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x1, y0)) + ay * ((1 - ax) * at(x0, y1) + ax * at(x1, y1));
}

/** Heat-map RGBA of a normalised s×s map, bilinearly resized to out×out; alpha = opacity · value. */
export function heatmapRGBA(norm: ArrayLike<number>, s: number, out: number, opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(out * out * 4);
  const k = s / out;
  for (let y = 0; y < out; y++) {
    for (let x = 0; x < out; x++) {
      const t = sample(norm, s, (x + 0.5) * k, (y + 0.5) * k);
      const [r, g, b] = turbo(t);
      const o = (y * out + x) * 4;
      px[o] = r; px[o + 1] = g; px[o + 2] = b; px[o + 3] = Math.round(255 * opacity * t);
    }
  }
  return px;
}

/**
 * The face crop (s×s, 1 = gray or 3 = RGB channels, 0..255) with the heat map of `norm` blended
 * over it, both bilinearly resized to out×out: opaque RGBA.
 */
export function overlayRGBA(face: ArrayLike<number>, channels: number, norm: ArrayLike<number>, s: number, out: number, opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const px = heatmapRGBA(norm, s, out, opacity);
  const k = s / out;
  for (let y = 0; y < out; y++) {
    for (let x = 0; x < out; x++) {
      const o = (y * out + x) * 4;
      const a = px[o + 3] / 255;
      for (let j = 0; j < 3; j++) {
        const f = sample(face, s, (x + 0.5) * k, (y + 0.5) * k, channels, channels === 1 ? 0 : j);
        px[o + j] = Math.round(f * (1 - a) + px[o + j] * a);
      }
      px[o + 3] = 255;
    }
  }
  return px;
}

/** Gray 0..255 pixels (s×s, or s×s×3 RGB averaged) → opaque RGBA, for drawing a crop. */
export function grayRGBA(gray: ArrayLike<number>, channels = 1): Uint8ClampedArray<ArrayBuffer> {
  const n = gray.length / channels;
  const px = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) px[i * 4 + j] = gray[i * channels + (channels === 1 ? 0 : j)];
    px[i * 4 + 3] = 255;
  }
  return px;
}

/** The normalised map as 0..255 gray RGBA (the CLI's raw-map PNG). */
export function mapRGBA(norm: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(norm.length * 4);
  for (let i = 0; i < norm.length; i++) {
    const v = Math.round(255 * norm[i]);
    px[i * 4] = px[i * 4 + 1] = px[i * 4 + 2] = v;
    px[i * 4 + 3] = 255;
  }
  return px;
}
