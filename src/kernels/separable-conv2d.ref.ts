// Separable conv (depthwise 3x3 'same', no bias, then pointwise 1x1 + bias, optional ReLU) on NHWC:
// CPU backend and oracle for shaders/separable-conv2d.wgsl.
import type { DwW, PwW } from './types.js';
import { depthwiseConv2dRef } from './depthwise-conv2d.ref.js';
import { pointwiseConv2dRef } from './pointwise-conv2d.ref.js';
import type { Tensor } from './tensor.js';

export function separableConv2dRef(x: Tensor, dw: DwW, pw: PwW, relu: boolean): Tensor {
  return pointwiseConv2dRef(depthwiseConv2dRef(x, dw), pw, relu);
}
