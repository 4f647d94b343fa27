// DepthwiseConv2d: owns shaders/depthwise-conv2d.wgsl (3x3, stride 1, pad 1, optional ReLU).
import src from '../../shaders/depthwise-conv2d.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { DwW } from './types.js';
import { requireVec4 } from './tensor.js';

export interface DepthwiseSpec {
  h: number;
  w: number;
  relu?: boolean;
  name?: string;
}

export class DepthwiseConv2d {
  static readonly WG_SIZE = 64;
  /** Output block per invocation (columns x rows); the shader body is unrolled for 4 x 4. */
  static readonly TILE_X = 4;
  static readonly TILE_Y = 4;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: DepthwiseSpec, w: DwW, io: { x: GPUBuffer; y: GPUBuffer }): Promise<DepthwiseConv2d> {
    if (w.kh !== 3 || w.kw !== 3) throw new Error(`DepthwiseConv2d: only 3x3 is implemented, got ${w.kh}x${w.kw}`);
    requireVec4('DepthwiseConv2d', 'C', w.c);
    const pipeline = await computePipeline(device, {
      label: 'DepthwiseConv2d.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: DepthwiseConv2d.WG_SIZE, ACT: spec.relu ? 1 : 0, TILE_X: DepthwiseConv2d.TILE_X, TILE_Y: DepthwiseConv2d.TILE_Y },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const c4 = w.c / 4;
    const wbuf = storageBuffer(device, `DepthwiseConv2d.weights${tag}`, w.w);
    const xblocks = Math.ceil(spec.w / DepthwiseConv2d.TILE_X);
    const params = uniformBuffer(device, `DepthwiseConv2d.params${tag}`, packParams([spec.h, spec.w, c4, xblocks]));
    const bindGroup = bindBuffers(device, `DepthwiseConv2d.bindGroup${tag}`, pipeline, [io.x, wbuf, io.y, params]);
    const invocations = Math.ceil(spec.h / DepthwiseConv2d.TILE_Y) * xblocks * c4;
    return new DepthwiseConv2d(pipeline, bindGroup, [wbuf, params], Math.ceil(invocations / DepthwiseConv2d.WG_SIZE));
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
