// Shared by the *-backward kernel tests: the adjoint identity that ties a linear op's backward ref
// to its forward ref (<g, A x> = <A^T g, x>), and ReLU-output-like masks with exact zeros.
import { randomArray } from '../helpers/gpu.js';

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Random values with about a third exactly 0 (a ReLU output), so the mask's > 0 test matters. */
export function reluLike(n: number, seed: number): Float32Array {
  return randomArray(n, seed, -0.5, 1).map((v) => Math.max(v, 0));
}
