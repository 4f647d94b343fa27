// CPU tensors: NHWC, batch first, f32 (docs/ARCHITECTURE.md "Tensors").
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A tensor of the given shape; `data` is checked against the shape, or zero-filled when absent. */
export function tensor(shape: number[], data?: Float32Array): Tensor {
  const n = numel(shape);
  if (data && data.length !== n) throw new Error(`tensor: ${data.length} values for shape [${shape}] (${n})`);
  return { shape, data: data ?? new Float32Array(n) };
}

/** [N, H, W, C] of a rank-4 tensor, with a clear error for anything else. */
export function nhwc(t: Tensor): [number, number, number, number] {
  if (t.shape.length !== 4) throw new Error(`expected an NHWC tensor, got shape [${t.shape}]`);
  return t.shape as [number, number, number, number];
}

/** Throws unless a channel count suits the vec4 kernels (a multiple of 4). */
export function requireVec4(kernel: string, what: string, c: number): void {
  if (c % 4 !== 0) throw new Error(`${kernel}: ${what} = ${c} must be a multiple of 4 (vec4 channel groups)`);
}
