// SeparableConv2d: owns shaders/separable-conv2d.wgsl (depthwise 3x3 + pointwise 1x1 + bias + ReLU
// in one dispatch, the depthwise result kept in workgroup memory).
import src from '../../shaders/separable-conv2d.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { DwW, PwW } from './types.js';
import { padPointwise } from './pointwise-conv2d.js';
import { requireVec4 } from './tensor.js';

export interface SeparableSpec {
  h: number;
  w: number;
  relu: boolean;
  name?: string;
}

/** Quads (4-pixel row segments) per workgroup: the most, up to MAX_TILE_QUADS, whose depthwise outputs fit workgroup memory. */
export function tileQuads(cin: number, workgroupBytes: number): number {
  return Math.max(1, Math.min(SeparableConv2d.MAX_TILE_QUADS, Math.floor(workgroupBytes / (16 * cin))));
}

export class SeparableConv2d {
  static readonly WG_SIZE = 64;
  /** 16 quads = 64 pixels: a workgroup's phase-2 items then number 16 per 8 output channels. */
  static readonly MAX_TILE_QUADS = 16;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: SeparableSpec, dw: DwW, pw: PwW, io: { x: GPUBuffer; y: GPUBuffer }): Promise<SeparableConv2d> {
    if (dw.kh !== 3 || dw.kw !== 3) throw new Error(`SeparableConv2d: only a 3x3 depthwise is implemented, got ${dw.kh}x${dw.kw}`);
    if (dw.c !== pw.cin) throw new Error(`SeparableConv2d: depthwise has ${dw.c} channels, pointwise expects ${pw.cin}`);
    requireVec4('SeparableConv2d', 'Cin', pw.cin);
    requireVec4('SeparableConv2d', 'Cout', pw.cout);
    const limit = device.limits.maxComputeWorkgroupStorageSize;
    if (16 * 4 * pw.cin > limit) throw new Error(`SeparableConv2d: Cin = ${pw.cin} needs ${64 * pw.cin} bytes of workgroup memory, the device has ${limit}`);
    const tq = tileQuads(pw.cin, limit);
    const pipeline = await computePipeline(device, {
      label: 'SeparableConv2d.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: SeparableConv2d.WG_SIZE, ACT: spec.relu ? 1 : 0, TILE_QUADS: tq, TILE_VEC4: tq * pw.cin },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const padded = padPointwise(pw, 8); // the shader's pointwise works on vec4 pairs of Cout
    const dwbuf = storageBuffer(device, `SeparableConv2d.depthwise${tag}`, dw.w);
    const pwbuf = storageBuffer(device, `SeparableConv2d.pointwise${tag}`, padded.w);
    const bbuf = storageBuffer(device, `SeparableConv2d.bias${tag}`, padded.b);
    const params = uniformBuffer(device, `SeparableConv2d.params${tag}`, packParams([spec.h, spec.w, pw.cin / 4, pw.cout / 4]));
    const bindGroup = bindBuffers(device, `SeparableConv2d.bindGroup${tag}`, pipeline, [io.x, dwbuf, pwbuf, bbuf, io.y, params]);
    const quads = spec.h * Math.ceil(spec.w / 4);
    return new SeparableConv2d(pipeline, bindGroup, [dwbuf, pwbuf, bbuf, params], Math.ceil(quads / tq));
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
