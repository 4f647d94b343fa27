// DepthwiseBias: owns shaders/depthwise-bias.wgsl (3x3, stride 1, pad 1, + bias, + ReLU or a
// sigmoid on the leading channels; output at an offset in a shared buffer; optionally followed by
// a 2x2/2 max-pool in the same dispatch).
import src from '../../shaders/depthwise-bias.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { DwW } from './types.js';
import type { DwAct } from './depthwise-bias.ref.js';
import { requireVec4 } from './tensor.js';

export interface DepthwiseBiasSpec {
  h: number;
  w: number;
  act?: DwAct;
  /** Where the output starts in io.y, in floats (a multiple of 4). Default 0. */
  outOffset?: number;
  /** Max-pool 2x2/2 (floor) the activated output: y is [N, floor(H/2), floor(W/2), C]. */
  pool?: boolean;
  name?: string;
}

export const DEPTHWISE_BIAS = 'main';
export const DEPTHWISE_BIAS_POOL = 'depthwiseBiasPool';

export class DepthwiseBias {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: DepthwiseBiasSpec, w: DwW, b: Float32Array, io: { x: GPUBuffer; y: GPUBuffer }): Promise<DepthwiseBias> {
    const tag = spec.name ? `(${spec.name})` : '';
    if (w.kh !== 3 || w.kw !== 3) throw new Error(`DepthwiseBias${tag}: only 3x3 is implemented, got ${w.kh}x${w.kw}`);
    if (b.length !== w.c) throw new Error(`DepthwiseBias${tag}: ${b.length} biases for ${w.c} channels`);
    requireVec4('DepthwiseBias', 'C', w.c);
    const offset = spec.outOffset ?? 0;
    if (offset % 4 !== 0) throw new Error(`DepthwiseBias${tag}: outOffset ${offset} is not a multiple of 4`);
    const act = spec.act ?? 'none';
    const pipeline = await computePipeline(device, {
      label: 'DepthwiseBias.pipeline',
      code: src,
      entryPoint: spec.pool ? DEPTHWISE_BIAS_POOL : DEPTHWISE_BIAS,
      constants: {
        WG_SIZE: DepthwiseBias.WG_SIZE,
        ACT: act === 'none' ? 0 : act === 'relu' ? 1 : 2,
        SIGMOID_CH: typeof act === 'object' ? act.sigmoid : 0,
      },
    });
    const c4 = w.c / 4;
    const wbuf = storageBuffer(device, `DepthwiseBias.weights${tag}`, w.w);
    const bbuf = storageBuffer(device, `DepthwiseBias.bias${tag}`, b);
    const oh = spec.pool ? Math.floor(spec.h / 2) : spec.h, ow = spec.pool ? Math.floor(spec.w / 2) : spec.w;
    if (oh < 1 || ow < 1) throw new Error(`DepthwiseBias${tag}: ${spec.h}x${spec.w} pooled is empty`);
    const params = uniformBuffer(device, `DepthwiseBias.params${tag}`, packParams([spec.h, spec.w, c4, offset / 4, oh, ow, 0, 0]));
    const bindGroup = bindBuffers(device, `DepthwiseBias.bindGroup${tag}`, pipeline, [io.x, wbuf, bbuf, io.y, params]);
    const invocations = spec.pool ? oh * ow * c4 : spec.h * Math.ceil(spec.w / 4) * c4;
    return new DepthwiseBias(pipeline, bindGroup, [wbuf, bbuf, params], Math.ceil(invocations / DepthwiseBias.WG_SIZE));
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
