// PointwiseConv2dBackward: owns shaders/pointwise-conv2d-backward.wgsl (input gradient of the 1x1 conv).
import src from '../../shaders/pointwise-conv2d-backward.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { PwW } from '../nn/folded.js';
import { requireVec4 } from './tensor.js';

export interface PointwiseBackwardSpec {
  /** Pixels per face (H*W). */
  hw: number;
  name?: string;
}

/**
 * [Cin,Cout] → [Cout,CinPadded]: W transposed, Cin zero-padded to a multiple of
 * PointwiseConv2dBackward.TILE_CH (the input-gradient channels one invocation computes).
 */
export function transposePointwise(w: PwW): { w: Float32Array; cinPadded: number } {
  const cinPadded = Math.ceil(w.cin / PointwiseConv2dBackward.TILE_CH) * PointwiseConv2dBackward.TILE_CH;
  const out = new Float32Array(w.cout * cinPadded);
  for (let ci = 0; ci < w.cin; ci++) for (let co = 0; co < w.cout; co++) out[co * cinPadded + ci] = w.w[ci * w.cout + co];
  return { w: out, cinPadded };
}

export class PointwiseConv2dBackward {
  /** 32, as PointwiseConv2d's: with the large tile a single face's 6x6 maps are few invocations, so they still split over several workgroups. */
  static readonly WG_SIZE = 32;
  /** The shader's fixed tile: pixels and input-gradient channels per invocation (PointwiseConv2d's 8 px x 16 ch). */
  static readonly TILE_PX = 8;
  static readonly TILE_CH = 16;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  /** io.g: dL/dy [N,H,W,Cout]; io.gx: dL/dx [N,H,W,Cin]. */
  static async create(device: GPUDevice, spec: PointwiseBackwardSpec, w: PwW, io: { g: GPUBuffer; gx: GPUBuffer }): Promise<PointwiseConv2dBackward> {
    requireVec4('PointwiseConv2dBackward', 'Cin', w.cin);
    requireVec4('PointwiseConv2dBackward', 'Cout', w.cout);
    const pipeline = await computePipeline(device, {
      label: 'PointwiseConv2dBackward.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: PointwiseConv2dBackward.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const t = transposePointwise(w);
    const wbuf = storageBuffer(device, `PointwiseConv2dBackward.weights${tag}`, t.w);
    const params = uniformBuffer(device, `PointwiseConv2dBackward.params${tag}`, packParams([spec.hw, w.cout / 4, w.cin / 4, 0]));
    const bindGroup = bindBuffers(device, `PointwiseConv2dBackward.bindGroup${tag}`, pipeline, [io.g, wbuf, io.gx, params]);
    const invocations = Math.ceil(spec.hw / PointwiseConv2dBackward.TILE_PX) * (t.cinPadded / PointwiseConv2dBackward.TILE_CH);
    return new PointwiseConv2dBackward(pipeline, bindGroup, [wbuf, params], Math.ceil(invocations / PointwiseConv2dBackward.WG_SIZE));
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
