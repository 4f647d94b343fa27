// PointwiseConv2d: owns shaders/pointwise-conv2d.wgsl (1x1 conv + bias + optional ReLU).
import src from '../../shaders/pointwise-conv2d.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { PwW } from './types.js';
import { requireVec4 } from './tensor.js';

export interface PointwiseSpec {
  /** Pixels per face (H*W). */
  hw: number;
  relu: boolean;
  name?: string;
}

/**
 * [Cin,Cout] weights and bias with Cout zero-padded to a multiple of `multiple`: the output
 * channels one invocation computes (PointwiseConv2d.TILE_CH here, 8 for SeparableConv2d).
 */
export function padPointwise(w: PwW, multiple: number): { w: Float32Array; b: Float32Array; coutPadded: number } {
  const coutPadded = Math.ceil(w.cout / multiple) * multiple;
  const wp = new Float32Array(w.cin * coutPadded);
  for (let r = 0; r < w.cin; r++) wp.set(w.w.subarray(r * w.cout, (r + 1) * w.cout), r * coutPadded);
  const bp = new Float32Array(coutPadded);
  bp.set(w.b);
  return { w: wp, b: bp, coutPadded };
}

export class PointwiseConv2d {
  /**
   * 32, not 64: the tile is large, so the 6x6 maps of a single face are only 60 invocations, and at
   * 64 they ran as one workgroup on one of SwiftShader's threads (0.85x the old kernel at batch 1);
   * at 32 (or 16) they gain like the rest, and batch 8-32 timings did not change (wtr micro-benchmark
   * on the emotion model's 8 shapes; docs/benchmarks.md run 8).
   */
  static readonly WG_SIZE = 32;
  /** The shader's fixed tile: pixels and output channels per invocation (its 8 x and 4 vec4 accumulators per pixel). */
  static readonly TILE_PX = 8;
  static readonly TILE_CH = 16;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: PointwiseSpec, w: PwW, io: { x: GPUBuffer; y: GPUBuffer }): Promise<PointwiseConv2d> {
    requireVec4('PointwiseConv2d', 'Cin', w.cin);
    requireVec4('PointwiseConv2d', 'Cout', w.cout);
    const pipeline = await computePipeline(device, {
      label: 'PointwiseConv2d.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: PointwiseConv2d.WG_SIZE, ACT: spec.relu ? 1 : 0 },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const padded = padPointwise(w, PointwiseConv2d.TILE_CH);
    const wbuf = storageBuffer(device, `PointwiseConv2d.weights${tag}`, padded.w);
    const bbuf = storageBuffer(device, `PointwiseConv2d.bias${tag}`, padded.b);
    const params = uniformBuffer(device, `PointwiseConv2d.params${tag}`, packParams([spec.hw, w.cin / 4, w.cout / 4, 0]));
    const bindGroup = bindBuffers(device, `PointwiseConv2d.bindGroup${tag}`, pipeline, [io.x, wbuf, bbuf, io.y, params]);
    const invocations = Math.ceil(spec.hw / PointwiseConv2d.TILE_PX) * (padded.coutPadded / PointwiseConv2d.TILE_CH);
    return new PointwiseConv2d(pipeline, bindGroup, [wbuf, bbuf, params], Math.ceil(invocations / PointwiseConv2d.WG_SIZE));
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
