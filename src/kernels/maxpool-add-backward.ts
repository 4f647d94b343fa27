// MaxpoolAddBackward: owns shaders/maxpool-add-backward.wgsl (max-pool 3x3/2 pad 1 backward: each
// window's gradient to its first arg-max; two dispatches through an arg-max scratch buffer on large
// maps, one that recomputes the arg-maxes on small ones).
// The residual add's backward is the identity on both branches, so it needs no dispatch:
// DepthwiseConv2dBackward's shortcut epilogue reads dL/dout.
import src from '../../shaders/maxpool-add-backward.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import { poolOutSize } from './maxpool-add.ref.js';
import { requireVec4 } from './tensor.js';

export const ARGMAX_WINDOWS = 'argmaxWindows';
export const ROUTE_TO_ARGMAX = 'routeToArgmax';
export const MAXPOOL_BACKWARD = 'maxpoolBackward';

/**
 * Maps with at most this many pixels take the one-pass kernel: its redundant arg-max loads cost
 * less than a second dispatch there (SwiftShader: ~1 ms per dispatch; the emotion model's 11x11
 * and 6x6 maps, the gender model's 15x15 and 8x8).
 */
export const ONE_PASS_MAX_PIXELS = 256;

export interface MaxpoolBackwardSpec {
  /** Pre-pool map H, W and channels C. */
  h: number;
  w: number;
  c: number;
  /** Largest n encode() is called with (sizes the arg-max scratch buffer). */
  maxBatch: number;
  /** Force one pass (true) or two (false); default by ONE_PASS_MAX_PIXELS. */
  onePass?: boolean;
  name?: string;
}

export class MaxpoolAddBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipelines: GPUComputePipeline[],
    private readonly bindGroups: GPUBindGroup[],
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  /** io.g: dL/dout [N,OH,OW,C]; io.y: the forward pre-pool map [N,H,W,C]; io.gy: dL/dy [N,H,W,C]. */
  static async create(device: GPUDevice, spec: MaxpoolBackwardSpec, io: { g: GPUBuffer; y: GPUBuffer; gy: GPUBuffer }): Promise<MaxpoolAddBackward> {
    requireVec4('MaxpoolAddBackward', 'C', spec.c);
    const make = (entryPoint: string) => computePipeline(device, {
      label: 'MaxpoolAddBackward.pipeline',
      code: src,
      entryPoint,
      constants: { WG_SIZE: MaxpoolAddBackward.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const oh = poolOutSize(spec.h), ow = poolOutSize(spec.w);
    const params = uniformBuffer(device, `MaxpoolAddBackward.params${tag}`, packParams([spec.h, spec.w, oh, ow, spec.c / 4, 0, 0, 0]));
    const groupsX = Math.ceil((oh * ow * spec.c) / 4 / MaxpoolAddBackward.WG_SIZE);
    if (spec.onePass ?? spec.h * spec.w <= ONE_PASS_MAX_PIXELS) {
      const one = await make(MAXPOOL_BACKWARD);
      const bg = bindBuffers(device, `MaxpoolAddBackward.bindGroup${tag}`, one, [io.g, io.y, io.gy, null, params]);
      return new MaxpoolAddBackward([one], [bg], [params], groupsX);
    }
    const [argmax, route] = await Promise.all([make(ARGMAX_WINDOWS), make(ROUTE_TO_ARGMAX)]);
    const am = storageBuffer(device, `MaxpoolAddBackward.argmax${tag}`, spec.maxBatch * oh * ow * spec.c * 4);
    const bg0 = bindBuffers(device, `MaxpoolAddBackward.argmaxBindGroup${tag}`, argmax, [null, io.y, null, am, params]);
    const bg1 = bindBuffers(device, `MaxpoolAddBackward.routeBindGroup${tag}`, route, [io.g, null, io.gy, am, params]);
    return new MaxpoolAddBackward([argmax, route], [bg0, bg1], [am, params], groupsX);
  }

  encode(pass: GPUComputePassEncoder, n: number): void {
    for (let i = 0; i < this.pipelines.length; i++) {
      pass.setPipeline(this.pipelines[i]);
      pass.setBindGroup(0, this.bindGroups[i]);
      pass.dispatchWorkgroups(this.groupsX, n);
    }
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
