// UpsampleAdd: owns shaders/upsample-add.wgsl (out = skip + nearest 2x upsample of x).
import src from '../../shaders/upsample-add.wgsl';
import { bindBuffers, packParams, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { requireVec4 } from './tensor.js';

export interface UpsampleAddSpec {
  /** Output (= skip) H, W, C; x is H/2 x W/2 x C. */
  h: number;
  w: number;
  c: number;
  name?: string;
}

export class UpsampleAdd {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: UpsampleAddSpec, io: { skip: GPUBuffer; x: GPUBuffer; out: GPUBuffer }): Promise<UpsampleAdd> {
    requireVec4('UpsampleAdd', 'C', spec.c);
    const tag = spec.name ? `(${spec.name})` : '';
    if (spec.h % 2 || spec.w % 2) throw new Error(`UpsampleAdd${tag}: output ${spec.h}x${spec.w} must be even (x is exactly half)`);
    const pipeline = await computePipeline(device, {
      label: 'UpsampleAdd.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: UpsampleAdd.WG_SIZE },
    });
    const params = uniformBuffer(device, `UpsampleAdd.params${tag}`, packParams([spec.h, spec.w, spec.c / 4, 0]));
    const bindGroup = bindBuffers(device, `UpsampleAdd.bindGroup${tag}`, pipeline, [io.skip, io.x, io.out, params]);
    return new UpsampleAdd(pipeline, bindGroup, params, Math.ceil((spec.h * spec.w * spec.c) / 4 / UpsampleAdd.WG_SIZE));
  }

  encode(pass: GPUComputePassEncoder, n: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.groupsX, n);
  }

  destroy(): void {
    this.params.destroy();
  }
}
