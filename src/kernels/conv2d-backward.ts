// Conv2dBackward: owns shaders/conv2d-backward.wgsl (input gradient of a dense KxK conv, any
// stride/padding, optional guided-ReLU epilogue against the forward input, optional channel sum).
import src from '../../shaders/conv2d-backward.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW } from './types.js';
import { convOutSize } from './conv2d.ref.js';

export interface Conv2dBackwardSpec {
  /** Forward input H, W (= the gradient's output size). */
  h: number;
  w: number;
  stride: number;
  pad: number;
  /** Sum the input gradient over Cin (≤ 4) into [N,H,W]: a colour input's saliency map. */
  reduce?: boolean;
  name?: string;
}

export interface Conv2dBackwardIO {
  /** dL/dy [N,OH,OW,Cout]. */
  g: GPUBuffer;
  /** dL/dx [N,H,W,Cin] (or [N,H,W] with reduce). */
  gx: GPUBuffer;
  /** The forward input x, when it is a ReLU output: applies the guided-ReLU rule to dL/dx. */
  mask?: GPUBuffer;
}

export const CONV2D_BACKWARD = 'conv2dBackward';
export const CONV2D_BACKWARD_VEC4 = 'conv2dBackwardVec4';
export const CONV2D_BACKWARD_FEW_CIN = 'conv2dBackwardFewCin';

/** The entry point for a layer: vectorised over Cout for Cin ≤ 4 (no mask), else over Cin. */
export function conv2dBackwardEntryPoint(cin: number, cout: number, masked: boolean): string {
  if (cin <= 4 && cout % 4 === 0 && !masked) return CONV2D_BACKWARD_FEW_CIN;
  return (cout % 4 === 0 ? CONV2D_BACKWARD_VEC4 : CONV2D_BACKWARD) + (masked ? 'Masked' : '');
}

/** [KH,KW,Cin,Cout] → [KH,KW,Cout,Cin4*4]: W transposed per tap, Cin zero-padded to a multiple of 4. */
export function transposeConv(w: ConvW): { w: Float32Array; cin4: number } {
  const cin4 = Math.ceil(w.cin / 4);
  const cp = cin4 * 4;
  const out = new Float32Array(w.kh * w.kw * w.cout * cp);
  for (let t = 0; t < w.kh * w.kw; t++) {
    for (let ci = 0; ci < w.cin; ci++) {
      for (let co = 0; co < w.cout; co++) out[(t * w.cout + co) * cp + ci] = w.w[(t * w.cin + ci) * w.cout + co];
    }
  }
  return { w: out, cin4 };
}

export class Conv2dBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: Conv2dBackwardSpec, w: ConvW, io: Conv2dBackwardIO): Promise<Conv2dBackward> {
    const tag = spec.name ? `(${spec.name})` : '';
    if (spec.reduce && w.cin > 4) throw new Error(`Conv2dBackward${tag}: reduce sums at most 4 input channels, got ${w.cin}`);
    const oh = convOutSize(spec.h, w.kh, spec.stride, spec.pad);
    const ow = convOutSize(spec.w, w.kw, spec.stride, spec.pad);
    if (oh < 1 || ow < 1) throw new Error(`Conv2dBackward${tag}: ${spec.h}x${spec.w} input gives an empty ${oh}x${ow} output`);
    const entry = conv2dBackwardEntryPoint(w.cin, w.cout, !!io.mask);
    const pipeline = await computePipeline(device, {
      label: 'Conv2dBackward.pipeline',
      code: src,
      entryPoint: entry,
      constants: { WG_SIZE: Conv2dBackward.WG_SIZE, REDUCE: spec.reduce ? 1 : 0, UNIT_STRIDE: spec.stride === 1 ? 1 : 0 },
    });
    const t = transposeConv(w);
    // The few-Cin entry point reads the forward layout [KH,KW,Cin,Cout] (Cout a multiple of 4 there).
    const wbuf = storageBuffer(device, `Conv2dBackward.weights${tag}`, entry === CONV2D_BACKWARD_FEW_CIN ? w.w : t.w);
    const params = uniformBuffer(device, `Conv2dBackward.params${tag}`, packParams([
      spec.h, spec.w, w.cin, w.cout,
      oh, ow, w.kh, w.kw,
      spec.stride, spec.pad, t.cin4, 0,
    ]));
    const bindGroup = bindBuffers(device, `Conv2dBackward.bindGroup${tag}`, pipeline, [io.g, wbuf, io.mask ?? null, io.gx, params]);
    const invocations = spec.h * Math.ceil(spec.w / 4) * t.cin4;
    return new Conv2dBackward(pipeline, bindGroup, [wbuf, params], Math.ceil(invocations / Conv2dBackward.WG_SIZE));
  }

  encode(pass: GPUComputePassEncoder, n: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.groupsX, n);
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
