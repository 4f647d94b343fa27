// PointwiseConv2d: owns shaders/pointwise-conv2d.wgsl (1x1 conv + bias + optional ReLU).
import src from '../../shaders/pointwise-conv2d.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { PwW } from '../nn/folded.js';
import { requireVec4 } from './tensor.js';

export interface PointwiseSpec {
  /** Pixels per face (H*W). */
  hw: number;
  relu: boolean;
  name?: string;
}

/** [Cin,Cout] weights and bias with Cout zero-padded to a multiple of 8 (the shader's vec4 pairs). */
export function padPointwise(w: PwW): { w: Float32Array; b: Float32Array; cout8: number } {
  const cout8 = Math.ceil(w.cout / 8) * 8;
  const wp = new Float32Array(w.cin * cout8);
  for (let r = 0; r < w.cin; r++) wp.set(w.w.subarray(r * w.cout, (r + 1) * w.cout), r * cout8);
  const bp = new Float32Array(cout8);
  bp.set(w.b);
  return { w: wp, b: bp, cout8 };
}

export class PointwiseConv2d {
  static readonly WG_SIZE = 64;

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
    const padded = padPointwise(w);
    const wbuf = storageBuffer(device, `PointwiseConv2d.weights${tag}`, padded.w);
    const bbuf = storageBuffer(device, `PointwiseConv2d.bias${tag}`, padded.b);
    const params = uniformBuffer(device, `PointwiseConv2d.params${tag}`, packParams([spec.hw, w.cin / 4, w.cout / 4, 0]));
    const bindGroup = bindBuffers(device, `PointwiseConv2d.bindGroup${tag}`, pipeline, [io.x, wbuf, bbuf, io.y, params]);
    const invocations = Math.ceil(spec.hw / 4) * (padded.cout8 / 8);
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
