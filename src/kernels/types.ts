// The kernels' own contract: the weight and transform shapes they consume. Models (src/nn/) and
// vision code (src/vision/) build these; kernels import nothing from those layers.

/** Dense KxK convolution, BN folded: w is [KH, KW, Cin, Cout] (Cout fastest), b is [Cout]. */
export interface ConvW { w: Float32Array; b: Float32Array; kh: number; kw: number; cin: number; cout: number }
/** Depthwise KxK convolution: w is [KH, KW, C]. */
export interface DwW { w: Float32Array; kh: number; kw: number; c: number }
/** Pointwise 1x1 convolution, BN folded: w is [Cin, Cout], b is [Cout]. */
export interface PwW { w: Float32Array; b: Float32Array; cin: number; cout: number }

/**
 * Crop pixel → frame pixel, in continuous coordinates (pixel i covers [i, i+1), centre i+0.5):
 *   x = a·u + b·v + tx,  y = c·u + d·v + ty.
 * For a similarity a = d = s·cosθ, c = −b = s·sinθ; s = frame pixels per crop pixel.
 */
export interface Affine { a: number; b: number; c: number; d: number; tx: number; ty: number }

/** Frame pixels per crop pixel of an affine (its uniform scale). */
export function affineScale(m: Affine): number {
  return Math.hypot(m.a, m.c);
}
