// Kernel prototypes measured next to the shipped kernels (filled in by the analysis).
import type { FoldedMiniXception } from '../nn/folded.js';
import type { KernelCase } from './harness.js';

export function PROTOTYPE_CASES(_f: FoldedMiniXception, _batch: number): KernelCase[] {
  return [];
}
