// SelectLogits + HeadGapBackward: own shaders/head-gap-backward.wgsl (the target class and its
// one-hot logit gradient, then the input gradient of head conv + global average pool through the
// folded weights head-gap.ts also uses).
import src from '../../shaders/head-gap-backward.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW } from './types.js';
import { effectiveHeadWeights } from './head-gap.js';
import { requireVec4 } from './tensor.js';

export const SELECT_LOGITS = 'selectLogits';
export const HEAD_GAP_BACKWARD = 'headGapBackward';
export const SELECT_HEAD_GAP_BACKWARD = 'selectHeadGapBackward';

/**
 * HeadGapBackward's inputs: any logit gradient gl [N,K], or (fused with the selection) HeadGap's
 * output [rows, 2K] + the selectRequest() words, writing the chosen class per face [N] (i32).
 */
export type HeadGapBackwardIO =
  | { gl: GPUBuffer; gx: GPUBuffer }
  | { head: GPUBuffer; request: GPUBuffer; chosen: GPUBuffer; gx: GPUBuffer };

/** Per-call request words: [n, mirror row offset (0 = no flip), target per face (-1 = predicted)]. */
export function selectRequest(targets: ArrayLike<number>, n: number, mirrorOffset: number): Int32Array<ArrayBuffer> {
  const r = new Int32Array(2 + n);
  r[0] = n;
  r[1] = mirrorOffset;
  for (let i = 0; i < n; i++) r[2 + i] = targets[i] ?? -1;
  return r;
}

export class SelectLogits {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
  ) {}

  /**
   * io.head: HeadGap's output [rows, 2K]; io.request: selectRequest() words (written per call);
   * io.gl: one-hot logit gradients [N,K]; io.chosen: the class per face [N] (i32).
   */
  static async create(device: GPUDevice, k: number, io: { head: GPUBuffer; request: GPUBuffer; gl: GPUBuffer; chosen: GPUBuffer }, name = ''): Promise<SelectLogits> {
    const pipeline = await computePipeline(device, {
      label: 'SelectLogits.pipeline',
      code: src,
      entryPoint: SELECT_LOGITS,
      constants: { WG_SIZE: SelectLogits.WG_SIZE },
    });
    const tag = name ? `(${name})` : '';
    const params = uniformBuffer(device, `SelectLogits.params${tag}`, packParams([k, 0, 0, 0]));
    const bindGroup = bindBuffers(device, `SelectLogits.bindGroup${tag}`, pipeline, [io.head, io.request, io.gl, io.chosen, null, null, params]);
    return new SelectLogits(pipeline, bindGroup, [params]);
  }

  encode(pass: GPUComputePassEncoder, n: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(n / SelectLogits.WG_SIZE));
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}

export class HeadGapBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  /** io.gx: dL/dx [N,H,W,C] of the head's input; see HeadGapBackwardIO for the rest. */
  static async create(device: GPUDevice, spec: { h: number; w: number; name?: string }, head: ConvW, io: HeadGapBackwardIO): Promise<HeadGapBackward> {
    requireVec4('HeadGapBackward', 'Cin', head.cin);
    if (head.kh % 2 !== 1 || head.kw % 2 !== 1) throw new Error(`HeadGapBackward: 'same' padding needs an odd kernel, got ${head.kh}x${head.kw}`);
    const pipeline = await computePipeline(device, {
      label: 'HeadGapBackward.pipeline',
      code: src,
      entryPoint: 'gl' in io ? HEAD_GAP_BACKWARD : SELECT_HEAD_GAP_BACKWARD,
      constants: { WG_SIZE: HeadGapBackward.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const len4 = (spec.h * spec.w * head.cin) / 4;
    const weff = storageBuffer(device, `HeadGapBackward.weights${tag}`, effectiveHeadWeights(head, spec.h, spec.w));
    const params = uniformBuffer(device, `HeadGapBackward.params${tag}`, packParams([head.cout, len4, 0, 0]));
    const bindings = 'gl' in io ? [null, null, io.gl, null] : [io.head, io.request, null, io.chosen];
    const bindGroup = bindBuffers(device, `HeadGapBackward.bindGroup${tag}`, pipeline, [...bindings, weff, io.gx, params]);
    return new HeadGapBackward(pipeline, bindGroup, [weff, params], Math.ceil(len4 / HeadGapBackward.WG_SIZE));
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
