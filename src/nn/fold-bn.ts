// BatchNorm folding and PyTorch → NHWC weight transposes (docs/ARCHITECTURE.md 'Tensors').
// Eval-mode BN after a bias-free conv: y = (conv(x) - mean) * g/sqrt(var+eps) + beta, so with
// s = g/sqrt(var+eps) per output channel: w' = w * s, b' = beta - mean * s (+ conv bias * s if any).
// The arithmetic runs in f64 and rounds once to f32.
import type { ConvW, DwW, PwW } from './mini-xception/folded.js';

/** PyTorch BatchNorm2d eval parameters, each [C]. */
export interface BatchNorm {
  weight: Float32Array; // gamma
  bias: Float32Array; // beta
  running_mean: Float32Array;
  running_var: Float32Array;
}

/** Per-channel scale and shift of an eval-mode BN: y = x * scale + shift. */
export function bnScaleShift(bn: BatchNorm, eps: number): { scale: Float64Array; shift: Float64Array } {
  const c = bn.weight.length;
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let o = 0; o < c; o++) {
    scale[o] = bn.weight[o] / Math.sqrt(bn.running_var[o] + eps);
    shift[o] = bn.bias[o] - bn.running_mean[o] * scale[o];
  }
  return { scale, shift };
}

/**
 * Dense conv OIHW (Cout, Cin, KH, KW) → ConvW [KH, KW, Cin, Cout] (Cout fastest), with an optional
 * BN folded in and an optional conv bias [Cout]. Without either the bias is zero.
 */
export function foldConv(
  w: Float32Array, shape: readonly [number, number, number, number], bn: BatchNorm | null, eps: number, bias: Float32Array | null = null,
): ConvW {
  const [cout, cin, kh, kw] = shape;
  const ss = bn ? bnScaleShift(bn, eps) : null;
  const out = new Float32Array(w.length);
  const b = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = ss ? ss.scale[o] : 1;
    b[o] = (bias ? bias[o] * s : 0) + (ss ? ss.shift[o] : 0);
    for (let i = 0; i < cin; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * cin + i) * cout + o] = w[((o * cin + i) * kh + y) * kw + x] * s;
        }
      }
    }
  }
  return { w: out, b, kh, kw, cin, cout };
}

/** Depthwise (C, 1, KH, KW) → DwW [KH, KW, C]. No BN follows a depthwise conv in mini-Xception. */
export function transposeDepthwise(w: Float32Array, shape: readonly [number, number, number, number]): DwW {
  const [c, , kh, kw] = shape;
  const out = new Float32Array(w.length);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[(y * kw + x) * c + ch] = w[(ch * kh + y) * kw + x];
  }
  return { w: out, kh, kw, c };
}

/** Pointwise (Cout, Cin, 1, 1) + BN → PwW [Cin, Cout]: the 1x1 case of foldConv. */
export function foldPointwise(w: Float32Array, shape: readonly [number, number, number, number], bn: BatchNorm, eps: number): PwW {
  const { w: folded, b, cin, cout } = foldConv(w, shape, bn, eps);
  return { w: folded, b, cin, cout };
}
