// Maxpool2x2: owns shaders/maxpool2x2.wgsl (2x2/2 max-pool, floor mode).
import src from '../../shaders/maxpool2x2.wgsl';
import { bindBuffers, packParams, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { requireVec4 } from './tensor.js';

export interface Maxpool2x2Spec {
  /** Input H, W, C. */
  h: number;
  w: number;
  c: number;
  name?: string;
}

export class Maxpool2x2 {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: Maxpool2x2Spec, io: { x: GPUBuffer; y: GPUBuffer }): Promise<Maxpool2x2> {
    requireVec4('Maxpool2x2', 'C', spec.c);
    const tag = spec.name ? `(${spec.name})` : '';
    const oh = Math.floor(spec.h / 2), ow = Math.floor(spec.w / 2);
    if (oh < 1 || ow < 1) throw new Error(`Maxpool2x2${tag}: ${spec.h}x${spec.w} input gives an empty output`);
    const pipeline = await computePipeline(device, {
      label: 'Maxpool2x2.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: Maxpool2x2.WG_SIZE },
    });
    const params = uniformBuffer(device, `Maxpool2x2.params${tag}`, packParams([spec.h, spec.w, oh, ow, spec.c / 4, 0, 0, 0]));
    const bindGroup = bindBuffers(device, `Maxpool2x2.bindGroup${tag}`, pipeline, [io.x, io.y, params]);
    return new Maxpool2x2(pipeline, bindGroup, params, Math.ceil((oh * ow * spec.c) / 4 / Maxpool2x2.WG_SIZE));
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
