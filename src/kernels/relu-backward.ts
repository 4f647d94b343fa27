// ReluBackward: owns shaders/relu-backward.wgsl (guided ReLU backward, standalone; the model's
// ReLUs are fused into the conv-backward epilogues, see the *Masked entry points).
import src from '../../shaders/relu-backward.wgsl';
import { bindBuffers, packParams, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { requireVec4 } from './tensor.js';

export interface ReluBackwardSpec {
  /** Floats per face (H*W*C), a multiple of 4. */
  len: number;
  name?: string;
}

export class ReluBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  /** io.fwd: the ReLU's forward input or output; io.gx may not alias io.g (read_write vs read). */
  static async create(device: GPUDevice, spec: ReluBackwardSpec, io: { g: GPUBuffer; fwd: GPUBuffer; gx: GPUBuffer }): Promise<ReluBackward> {
    requireVec4('ReluBackward', 'H*W*C', spec.len);
    const pipeline = await computePipeline(device, {
      label: 'ReluBackward.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: ReluBackward.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const params = uniformBuffer(device, `ReluBackward.params${tag}`, packParams([spec.len / 4, 0, 0, 0]));
    const bindGroup = bindBuffers(device, `ReluBackward.bindGroup${tag}`, pipeline, [io.g, io.fwd, io.gx, params]);
    return new ReluBackward(pipeline, bindGroup, [params], Math.ceil(spec.len / 4 / ReluBackward.WG_SIZE));
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
