// The CPU plan of YuNet: the layer list run with the *.ref.ts kernels (the fallback backend and
// the GPU plan's oracle). Activations are dropped after their last reader.
import { conv2dRef } from '../../kernels/conv2d.ref.js';
import { depthwiseBiasRef } from '../../kernels/depthwise-bias.ref.js';
import { maxpool2x2Ref } from '../../kernels/maxpool2x2.ref.js';
import { pointwiseConv2dRef } from '../../kernels/pointwise-conv2d.ref.js';
import type { Tensor } from '../../kernels/tensor.js';
import { upsampleAddRef } from '../../kernels/upsample-add.ref.js';
import { HEAD_CHANNELS, anchorCount } from '../../vision/yunet-decode.js';
import type { YunetModel } from './yunet-weights.js';

/** Index of the last layer that reads each activation. */
export function lastUses(model: YunetModel): Map<string, number> {
  const last = new Map<string, number>();
  model.layers.forEach((l, i) => {
    last.set(l.input, i);
    if (l.op === 'upsample_add') last.set(l.skip, i);
  });
  return last;
}

/**
 * Packed heads (src/vision/yunet-decode.ts layout) for one input tensor [1, padH, padW, 3] (B, G,
 * R in 0..255). `dst` (anchorCount × 16 floats) is filled when given.
 */
export function yunetCpuForward(model: YunetModel, input: Tensor, dst?: Float32Array): Float32Array {
  const [, padH, padW, c] = input.shape;
  if (input.shape.length !== 4 || input.shape[0] !== 1 || c !== model.inputChannels) {
    throw new Error(`yunetCpuForward: input shape [${input.shape}], expected [1, H, W, ${model.inputChannels}]`);
  }
  const strides = model.spec.strides;
  const total = anchorCount(padW, padH, strides) * HEAD_CHANNELS;
  const out = dst ?? new Float32Array(total);
  if (out.length < total) throw new Error(`yunetCpuForward: dst holds ${out.length} floats, ${total} needed`);
  const offsets = new Map<number, number>();
  let off = 0;
  for (const s of strides) {
    offsets.set(s, off);
    off += (padW / s) * (padH / s) * HEAD_CHANNELS;
  }
  const last = lastUses(model);
  const acts = new Map<string, Tensor>([[model.spec.input.name, input]]);
  const get = (name: string) => acts.get(name)!;
  model.layers.forEach((l, i) => {
    switch (l.op) {
      case 'conv':
        acts.set(l.output, conv2dRef(get(l.input), l.w, { stride: l.stride, pad: l.pad, relu: l.relu }));
        break;
      case 'pointwise':
        acts.set(l.output, pointwiseConv2dRef(get(l.input), l.w, l.relu));
        break;
      case 'depthwise':
        acts.set(l.output, depthwiseBiasRef(get(l.input), l.w, l.b, l.relu ? 'relu' : 'none'));
        break;
      case 'maxpool2':
        acts.set(l.output, maxpool2x2Ref(get(l.input)));
        break;
      case 'upsample_add':
        acts.set(l.output, upsampleAddRef(get(l.skip), get(l.input)));
        break;
      case 'head': {
        const h = depthwiseBiasRef(pointwiseConv2dRef(get(l.input), l.pw), l.dw, l.b, { sigmoid: model.spec.sigmoid });
        out.set(h.data, offsets.get(l.stride)!);
        break;
      }
    }
    for (const [name, at] of last) if (at === i) acts.delete(name);
  });
  return out;
}
