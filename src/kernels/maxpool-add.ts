// MaxpoolAdd: owns shaders/maxpool-add.wgsl (maxpool3x3/2 + residual, optionally computing the
// residual as the module's 1x1/2 shortcut conv in the same dispatch).
import src from '../../shaders/maxpool-add.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW } from './types.js';
import { poolOutSize } from './maxpool-add.ref.js';
import { requireVec4 } from './tensor.js';

export const MAXPOOL_ADD = 'maxpoolAdd';
export const MAXPOOL_SHORTCUT_ADD = 'maxpoolShortcutAdd';

export interface MaxpoolAddSpec {
  /** Pre-pool map H, W and channels C. */
  h: number;
  w: number;
  c: number;
  name?: string;
}

export type MaxpoolAddIO =
  | { y: GPUBuffer; r: GPUBuffer; out: GPUBuffer }
  | { y: GPUBuffer; x: GPUBuffer; shortcut: ConvW; out: GPUBuffer };

export class MaxpoolAdd {
  static readonly WG_SIZE = 64;
  /** Output pixels (along x) and vec4 channel groups per invocation; the shader body is written for 2 and 2. */
  static readonly TILE_PX = 2;
  static readonly TILE_C4 = 2;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: MaxpoolAddSpec, io: MaxpoolAddIO): Promise<MaxpoolAdd> {
    requireVec4('MaxpoolAdd', 'C', spec.c);
    const withShortcut = 'shortcut' in io;
    const pipeline = await computePipeline(device, {
      label: 'MaxpoolAdd.pipeline',
      code: src,
      entryPoint: withShortcut ? MAXPOOL_SHORTCUT_ADD : MAXPOOL_ADD,
      constants: { WG_SIZE: MaxpoolAdd.WG_SIZE, TILE_PX: MaxpoolAdd.TILE_PX, TILE_C4: MaxpoolAdd.TILE_C4 },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const oh = poolOutSize(spec.h), ow = poolOutSize(spec.w);
    const owned: GPUBuffer[] = [];
    let bindings: (GPUBuffer | null)[];
    let cin = 0;
    if (withShortcut) {
      const s = io.shortcut;
      if (s.kh !== 1 || s.kw !== 1 || s.cout !== spec.c) throw new Error(`MaxpoolAdd${tag}: shortcut must be 1x1 with ${spec.c} outputs, got ${s.kh}x${s.kw}x${s.cin}x${s.cout}`);
      requireVec4('MaxpoolAdd', 'shortcut Cin', s.cin);
      cin = s.cin;
      const ws = storageBuffer(device, `MaxpoolAdd.shortcutWeights${tag}`, s.w);
      const bs = storageBuffer(device, `MaxpoolAdd.shortcutBias${tag}`, s.b);
      owned.push(ws, bs);
      bindings = [io.y, io.x, ws, bs, io.out];
    } else {
      bindings = [io.y, io.r, null, null, io.out];
    }
    const cgroups = Math.ceil(spec.c / 4 / MaxpoolAdd.TILE_C4), xblocks = Math.ceil(ow / MaxpoolAdd.TILE_PX);
    const params = uniformBuffer(device, `MaxpoolAdd.params${tag}`, packParams([spec.h, spec.w, oh, ow, spec.c / 4, cin / 4, cgroups, xblocks]));
    owned.push(params);
    const bindGroup = bindBuffers(device, `MaxpoolAdd.bindGroup${tag}`, pipeline, [...bindings, params]);
    return new MaxpoolAdd(pipeline, bindGroup, owned, Math.ceil((oh * xblocks * cgroups) / MaxpoolAdd.WG_SIZE));
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
