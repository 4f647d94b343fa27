// MaxpoolAddBackward: owns shaders/maxpool-add-backward.wgsl (max-pool 3x3/2 pad 1 backward: each
// window's gradient to its first arg-max). The residual add's backward is the identity on both
// branches, so it needs no dispatch: DepthwiseConv2dBackward's shortcut epilogue reads dL/dout.
import src from '../../shaders/maxpool-add-backward.wgsl';
import { bindBuffers, packParams, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { poolOutSize } from './maxpool-add.ref.js';
import { requireVec4 } from './tensor.js';

export interface MaxpoolBackwardSpec {
  /** Pre-pool map H, W and channels C. */
  h: number;
  w: number;
  c: number;
  name?: string;
}

export class MaxpoolAddBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  /** io.g: dL/dout [N,OH,OW,C]; io.y: the forward pre-pool map [N,H,W,C]; io.gy: dL/dy [N,H,W,C]. */
  static async create(device: GPUDevice, spec: MaxpoolBackwardSpec, io: { g: GPUBuffer; y: GPUBuffer; gy: GPUBuffer }): Promise<MaxpoolAddBackward> {
    requireVec4('MaxpoolAddBackward', 'C', spec.c);
    const pipeline = await computePipeline(device, {
      label: 'MaxpoolAddBackward.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: MaxpoolAddBackward.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const oh = poolOutSize(spec.h), ow = poolOutSize(spec.w);
    const params = uniformBuffer(device, `MaxpoolAddBackward.params${tag}`, packParams([spec.h, spec.w, oh, ow, spec.c / 4, 0, 0, 0]));
    const bindGroup = bindBuffers(device, `MaxpoolAddBackward.bindGroup${tag}`, pipeline, [io.g, io.y, io.gy, params]);
    return new MaxpoolAddBackward(pipeline, bindGroup, [params], Math.ceil((oh * ow * spec.c) / 4 / MaxpoolAddBackward.WG_SIZE));
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
