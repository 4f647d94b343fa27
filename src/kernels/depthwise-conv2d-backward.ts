// DepthwiseConv2dBackward: owns shaders/depthwise-conv2d-backward.wgsl (input gradient of the 3x3
// depthwise conv, optionally plus the residual module's shortcut-conv gradient and a guided-ReLU
// epilogue).
import src from '../../shaders/depthwise-conv2d-backward.wgsl';
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { ConvW, DwW } from './types.js';
import { poolOutSize } from './maxpool-add.ref.js';
import { requireVec4 } from './tensor.js';

export interface DepthwiseBackwardSpec {
  h: number;
  w: number;
  name?: string;
}

export interface DepthwiseBackwardIO {
  /** dL/d(depthwise output) [N,H,W,C]. */
  g: GPUBuffer;
  /** dL/dx [N,H,W,C]. */
  gx: GPUBuffer;
  /** The forward input x when it is a ReLU output (guided-ReLU epilogue, after the shortcut sum). */
  mask?: GPUBuffer;
  /**
   * The module's 1x1/2 shortcut conv (BN folded) and the module output's gradient [N,OH,OW,Cout]:
   * adds the shortcut's input gradient (the residual fan-in at x).
   */
  shortcut?: { g: GPUBuffer; w: ConvW };
}

/** Shortcut [1,1,Cin,Cout] → [Cout,Cin]: the rows the shader walks per output channel. */
export function transposeShortcut(w: ConvW): Float32Array {
  const out = new Float32Array(w.cout * w.cin);
  for (let ci = 0; ci < w.cin; ci++) for (let co = 0; co < w.cout; co++) out[co * w.cin + ci] = w.w[ci * w.cout + co];
  return out;
}

export class DepthwiseConv2dBackward {
  static readonly WG_SIZE = 64;

  private constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly buffers: GPUBuffer[],
    private readonly groupsX: number,
  ) {}

  static async create(device: GPUDevice, spec: DepthwiseBackwardSpec, w: DwW, io: DepthwiseBackwardIO): Promise<DepthwiseConv2dBackward> {
    const tag = spec.name ? `(${spec.name})` : '';
    if (w.kh !== 3 || w.kw !== 3) throw new Error(`DepthwiseConv2dBackward${tag}: only 3x3 is implemented, got ${w.kh}x${w.kw}`);
    requireVec4('DepthwiseConv2dBackward', 'C', w.c);
    const sc = io.shortcut?.w;
    if (sc) {
      if (sc.kh !== 1 || sc.kw !== 1 || sc.cin !== w.c) throw new Error(`DepthwiseConv2dBackward${tag}: shortcut must be 1x1 from ${w.c} channels, got ${sc.kh}x${sc.kw}x${sc.cin}x${sc.cout}`);
      requireVec4('DepthwiseConv2dBackward', 'shortcut Cout', sc.cout);
    }
    const entry = `depthwiseBackward${sc ? 'Shortcut' : ''}${io.mask ? 'Masked' : ''}`;
    const pipeline = await computePipeline(device, {
      label: 'DepthwiseConv2dBackward.pipeline',
      code: src,
      entryPoint: entry,
      constants: { WG_SIZE: DepthwiseConv2dBackward.WG_SIZE },
    });
    const wbuf = storageBuffer(device, `DepthwiseConv2dBackward.weights${tag}`, w.w);
    const owned = [wbuf];
    let ws: GPUBuffer | null = null;
    if (sc) owned.push((ws = storageBuffer(device, `DepthwiseConv2dBackward.shortcutWeights${tag}`, transposeShortcut(sc))));
    const c4 = w.c / 4;
    const params = uniformBuffer(device, `DepthwiseConv2dBackward.params${tag}`, packParams([
      spec.h, spec.w, c4, poolOutSize(spec.h),
      poolOutSize(spec.w), sc ? sc.cout / 4 : 0, 0, 0,
    ]));
    owned.push(params);
    const bindGroup = bindBuffers(device, `DepthwiseConv2dBackward.bindGroup${tag}`, pipeline,
      [io.g, wbuf, io.mask ?? null, io.shortcut?.g ?? null, ws, io.gx, params]);
    const invocations = spec.h * Math.ceil(spec.w / 4) * c4;
    return new DepthwiseConv2dBackward(pipeline, bindGroup, owned, Math.ceil(invocations / DepthwiseConv2dBackward.WG_SIZE));
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
