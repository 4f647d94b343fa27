// Runs one wasm kernel on tensors copied into a fresh heap, with the output poisoned (NaN) so an
// unwritten element shows up as a mismatch.
import { HeapLayout, type WasmHeap } from '../../../src/kernels/wasm/heap.js';
import type { WTensor } from '../../../src/kernels/wasm/ops.js';
import type { Tensor } from '../../../src/kernels/tensor.js';

export interface Staged {
  heap: WasmHeap;
  /** The inputs as wasm tensors, in order. */
  xs: WTensor[];
  /** Byte offset of the poisoned output buffer. */
  out: number;
  read(t: WTensor | number, count: number): Float32Array;
}

/** Lays out `inputs` and an output of `outCount` floats, plus whatever `extra` reserves (weights). fma: false = the plain SIMD128 build. */
export async function stage<E>(inputs: Tensor[], outCount: number, extra: (l: HeapLayout) => E, fma = true): Promise<Staged & { extra: E }> {
  const l = new HeapLayout();
  const ptrs = inputs.map((t) => l.alloc(t.data.length, t.data));
  const out = l.alloc(outCount, new Float32Array(outCount).fill(NaN));
  const e = extra(l);
  const heap = await l.build({ threads: 1, fma });
  const xs = inputs.map((t, i) => ({ ptr: ptrs[i], n: t.shape[0], h: t.shape[1], w: t.shape[2], c: t.shape[3] }));
  return { heap, xs, out, extra: e, read: (t, count) => heap.f32(typeof t === 'number' ? t : t.ptr, count).slice() };
}
