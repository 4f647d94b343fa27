// HeadGap: owns shaders/head-gap.wgsl (head conv 'same' + bias + global average pool + softmax).
import src from '../../shaders/head-gap.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW } from './types.js';
import { requireVec4 } from './tensor.js';

export interface HeadGapSpec {
  /** Input map H, W (the conv is 'same', so also its output). */
  h: number;
  w: number;
  name?: string;
}

/**
 * Folds conv KxK 'same' + mean over the H*W outputs into one weight per input element:
 * weff[k, iy, ix, ci] = (1/(H*W)) * sum over taps whose output pixel is inside the map.
 */
export function effectiveHeadWeights(head: ConvW, h: number, w: number): Float32Array {
  const { kh, kw, cin, cout } = head;
  const ph = (kh - 1) >> 1, pw = (kw - 1) >> 1;
  const len = h * w * cin;
  const out = new Float64Array(cout * len);
  for (let iy = 0; iy < h; iy++) {
    for (let ix = 0; ix < w; ix++) {
      for (let ky = 0; ky < kh; ky++) {
        const oy = iy - ky + ph;
        if (oy < 0 || oy >= h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ox = ix - kx + pw;
          if (ox < 0 || ox >= w) continue;
          for (let ci = 0; ci < cin; ci++) {
            const wo = ((ky * kw + kx) * cin + ci) * cout;
            const eo = (iy * w + ix) * cin + ci;
            for (let k = 0; k < cout; k++) out[k * len + eo] += head.w[wo + k];
          }
        }
      }
    }
  }
  const f = new Float32Array(out.length);
  const inv = 1 / (h * w);
  for (let i = 0; i < out.length; i++) f[i] = out[i] * inv;
  return f;
}

export class HeadGap {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
  ) {}

  /** io.out receives [N, 2K]: logits, then softmax probabilities, per face. */
  static async create(device: GPUDevice, spec: HeadGapSpec, head: ConvW, io: { x: GPUBuffer; out: GPUBuffer }): Promise<HeadGap> {
    requireVec4('HeadGap', 'Cin', head.cin);
    if (head.cout > HeadGap.WG_SIZE) throw new Error(`HeadGap: ${head.cout} classes exceed the workgroup size ${HeadGap.WG_SIZE}`);
    if (head.kh % 2 !== 1 || head.kw % 2 !== 1) throw new Error(`HeadGap: 'same' padding needs an odd kernel, got ${head.kh}x${head.kw}`);
    const pipeline = await computePipeline(device, {
      label: 'HeadGap.pipeline',
      code: src,
      entryPoint: 'main',
      constants: { WG_SIZE: HeadGap.WG_SIZE },
    });
    const tag = spec.name ? `(${spec.name})` : '';
    const weff = storageBuffer(device, `HeadGap.weights${tag}`, effectiveHeadWeights(head, spec.h, spec.w));
    const bias = storageBuffer(device, `HeadGap.bias${tag}`, head.b);
    const params = uniformBuffer(device, `HeadGap.params${tag}`, packParams([(spec.h * spec.w * head.cin) / 4, head.cout, 0, 0]));
    const bindGroup = bindBuffers(device, `HeadGap.bindGroup${tag}`, pipeline, [io.x, weff, bias, io.out, params]);
    return new HeadGap(pipeline, bindGroup, [weff, bias, params]);
  }

  encode(pass: GPUComputePassEncoder, n: number): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(1, n);
  }

  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
