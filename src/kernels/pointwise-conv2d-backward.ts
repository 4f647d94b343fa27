// PointwiseConv2dBackward: input gradient of the 1x1 conv. dL/dx = g · Wᵀ per pixel, which is the
// forward 1x1 conv itself with W transposed, no bias and no ReLU, so it runs on PointwiseConv2d
// (shaders/pointwise-conv2d.wgsl, its 8 px x 16 ch tile and padding) rather than a twin shader.
import type { PwW } from './types.js';
import { PointwiseConv2d } from './pointwise-conv2d.js';

export interface PointwiseBackwardSpec {
  /** Pixels per face (H*W). */
  hw: number;
  name?: string;
}

/** [Cin,Cout] weights → the [Cout,Cin] weights of the gradient's 1x1 conv, with a zero bias. */
export function transposePointwise(w: PwW): PwW {
  const wt = new Float32Array(w.cout * w.cin);
  for (let ci = 0; ci < w.cin; ci++) for (let co = 0; co < w.cout; co++) wt[co * w.cin + ci] = w.w[ci * w.cout + co];
  return { w: wt, b: new Float32Array(w.cin), cin: w.cout, cout: w.cin };
}

export const PointwiseConv2dBackward = {
  /** io.g: dL/dy [N,H,W,Cout]; io.gx: dL/dx [N,H,W,Cin]. */
  create(device: GPUDevice, spec: PointwiseBackwardSpec, w: PwW, io: { g: GPUBuffer; gx: GPUBuffer }): Promise<PointwiseConv2d> {
    const name = `${spec.name ?? 'pw'}.backward`;
    return PointwiseConv2d.create(device, { hw: spec.hw, relu: false, name }, transposePointwise(w), { x: io.g, y: io.gx });
  },
};
