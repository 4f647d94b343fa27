// Conv2d: owns shaders/conv2d.wgsl (dense KxK conv, stride, zero padding, bias, ReLU, input affine).
import src from '../../shaders/conv2d.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW } from './types.js';
import { convOutSize } from './conv2d.ref.js';

export interface Conv2dSpec {
  /** Input map H, W. */
  h: number;
  w: number;
  stride: number;
  pad: number;
  relu: boolean;
  /** Input affine (pixel normalisation) on in-bounds taps; omit for identity. */
  inAffine?: { scale: number; offset: number };
  /** Layer name for labels, e.g. 'stem0'. */
  name?: string;
}

export interface Conv2dIO {
  x: GPUBuffer;
  y: GPUBuffer;
}

/**
 * Pads Cout of [KH,KW,Cin,Cout] (and the bias) with zeros to a multiple of `multiple`, the entry
 * point's output channels per invocation (8: the shader's vec4 pairs; 12 for conv2dVec4x3).
 */
export function padCout(w: ConvW, multiple = 8): { w: Float32Array; b: Float32Array; coutPad: number } {
  const coutPad = Math.ceil(w.cout / multiple) * multiple;
  const rows = w.kh * w.kw * w.cin;
  const wp = new Float32Array(rows * coutPad);
  for (let r = 0; r < rows; r++) wp.set(w.w.subarray(r * w.cout, (r + 1) * w.cout), r * coutPad);
  const bp = new Float32Array(coutPad);
  bp.set(w.b);
  return { w: wp, b: bp, coutPad };
}

export const CONV2D = 'conv2d';
export const CONV2D_VEC4_OUT = 'conv2dVec4Out';
export const CONV2D_VEC4 = 'conv2dVec4';
export const CONV2D_VEC4X3 = 'conv2dVec4x3';

/** The most vectorised entry point whose channel constraints the layer meets. */
export function conv2dEntryPoint(cin: number, cout: number): string {
  if (cout % 4 !== 0) return CONV2D;
  if (cin % 4 !== 0) return CONV2D_VEC4_OUT;
  return cout % 12 === 0 ? CONV2D_VEC4X3 : CONV2D_VEC4;
}

/** Output channels per invocation of an entry point (its Cout padding and dispatch unit). */
export function conv2dChannelTile(entryPoint: string): number {
  return entryPoint === CONV2D_VEC4X3 ? 12 : 8;
}

export class Conv2d {
  /** Invocations per workgroup; feeds both the WG_SIZE override and the dispatch maths. */
  static readonly WG_SIZE = 64;

  readonly oh: number;
  readonly ow: number;
  readonly cout: number;
  private readonly groupsX: number;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    readonly buffers: GPUBuffer[],
    spec: Conv2dSpec,
    w: ConvW,
    channelTile: number,
  ) {
    this.oh = convOutSize(spec.h, w.kh, spec.stride, spec.pad);
    this.ow = convOutSize(spec.w, w.kw, spec.stride, spec.pad);
    this.cout = w.cout;
    const invocations = this.oh * Math.ceil(this.ow / 4) * Math.ceil(w.cout / channelTile);
    this.groupsX = Math.ceil(invocations / Conv2d.WG_SIZE);
  }

  static pipeline(device: GPUDevice, spec: Pick<Conv2dSpec, 'relu' | 'inAffine' | 'pad'>, entryPoint: string): Promise<GPUComputePipeline> {
    return computePipeline(device, {
      label: 'Conv2d.pipeline',
      code: src,
      entryPoint,
      constants: { WG_SIZE: Conv2d.WG_SIZE, ACT: spec.relu ? 1 : 0, IN_AFFINE: spec.inAffine ? 1 : 0, PADDED: spec.pad > 0 ? 1 : 0 },
    });
  }

  static async create(device: GPUDevice, spec: Conv2dSpec, w: ConvW, io: Conv2dIO): Promise<Conv2d> {
    const entryPoint = conv2dEntryPoint(w.cin, w.cout);
    const channelTile = conv2dChannelTile(entryPoint);
    const pipeline = await Conv2d.pipeline(device, spec, entryPoint);
    const tag = spec.name ? `(${spec.name})` : '';
    const padded = padCout(w, channelTile);
    const oh = convOutSize(spec.h, w.kh, spec.stride, spec.pad);
    const ow = convOutSize(spec.w, w.kw, spec.stride, spec.pad);
    if (oh < 1 || ow < 1) throw new Error(`Conv2d${tag}: ${spec.h}x${spec.w} input gives an empty ${oh}x${ow} output`);
    const wbuf = storageBuffer(device, `Conv2d.weights${tag}`, padded.w);
    const bbuf = storageBuffer(device, `Conv2d.bias${tag}`, padded.b);
    const params = uniformBuffer(device, `Conv2d.params${tag}`, packParams([
      spec.h, spec.w, w.cin, w.cout,
      oh, ow, w.kh, w.kw,
      spec.stride, spec.pad, { f: spec.inAffine?.scale ?? 1 }, { f: spec.inAffine?.offset ?? 0 },
    ]));
    const bindGroup = bindBuffers(device, `Conv2d.bindGroup${tag}`, pipeline, [io.x, wbuf, bbuf, io.y, params]);
    return new Conv2d(pipeline, bindGroup, [wbuf, bbuf, params], spec, w, channelTile);
  }

  /** Records the dispatch for n faces (n ≤ the batch the io buffers were sized for). */
  encode(pass: GPUComputePassEncoder, n: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.groupsX, n);
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
