// Builds one shipped kernel (src/kernels) on random weights and buffers for a LayerDesc and a batch,
// so the kernel benchmark can dispatch it alone. Values don't change the timing; shapes do.
import { storageBuffer } from '../gpu/buffers.js';
import { Conv2d } from '../kernels/conv2d.js';
import { DepthwiseConv2d } from '../kernels/depthwise-conv2d.js';
import { HeadGap } from '../kernels/head-gap.js';
import { MaxpoolAdd } from '../kernels/maxpool-add.js';
import { PointwiseConv2d } from '../kernels/pointwise-conv2d.js';
import { SeparableConv2d } from '../kernels/separable-conv2d.js';
import type { ConvW, DwW, PwW } from '../nn/mini-xception/folded.js';
import { type LayerDesc, poolOut } from './layers.js';
import { seededUniform } from './stats.js';

export interface BuiltKernel {
  encode(pass: GPUComputePassEncoder): void;
  destroy(): void;
}

/** The src/kernels class (or entry point) a layer runs on. */
export function kernelName(d: LayerDesc): string {
  switch (d.kind) {
    case 'conv2d': return 'conv2d';
    case 'depthwise': return 'depthwise-conv2d';
    case 'pointwise': return 'pointwise-conv2d';
    case 'separable': return 'separable-conv2d';
    case 'maxpool-shortcut': return 'maxpool-add';
    case 'head-gap': return 'head-gap';
  }
}

let seed = 1;
const rand = (n: number, scale: number) => seededUniform(n, seed++, -scale, scale);

export function randomConvW(k: number, cin: number, cout: number): ConvW {
  return { w: rand(k * k * cin * cout, 1 / Math.sqrt(k * k * cin)), b: rand(cout, 0.1), kh: k, kw: k, cin, cout };
}
export const randomDwW = (c: number): DwW => ({ w: rand(9 * c, 0.3), kh: 3, kw: 3, c });
export const randomPwW = (cin: number, cout: number): PwW => ({ w: rand(cin * cout, 1 / Math.sqrt(cin)), b: rand(cout, 0.1), cin, cout });

/** Activation buffers for the case (random input, zero output), all destroyed with the kernel. */
function io(device: GPUDevice, inFloats: number, outFloats: number): { x: GPUBuffer; y: GPUBuffer; owned: GPUBuffer[] } {
  const x = storageBuffer(device, 'bench.x', rand(inFloats, 1));
  const y = storageBuffer(device, 'bench.y', outFloats * 4);
  return { x, y, owned: [x, y] };
}

function wrap(k: { encode(pass: GPUComputePassEncoder, n: number): void; destroy(): void }, n: number, owned: GPUBuffer[]): BuiltKernel {
  return {
    encode: (pass) => k.encode(pass, n),
    destroy: () => { k.destroy(); for (const b of owned) b.destroy(); },
  };
}

export async function buildKernel(device: GPUDevice, d: LayerDesc, n: number): Promise<BuiltKernel> {
  switch (d.kind) {
    case 'conv2d': {
      const oh = Math.floor((d.h + 2 * d.pad - d.k) / d.stride) + 1, ow = Math.floor((d.w + 2 * d.pad - d.k) / d.stride) + 1;
      const b = io(device, n * d.h * d.w * d.cin, n * oh * ow * d.cout);
      const k = await Conv2d.create(device, {
        h: d.h, w: d.w, stride: d.stride, pad: d.pad, relu: d.relu, name: d.layer,
        inAffine: d.inAffine ? { scale: 1 / 127.5, offset: -1 } : undefined,
      }, randomConvW(d.k, d.cin, d.cout), b);
      return wrap(k, n, b.owned);
    }
    case 'depthwise': {
      const b = io(device, n * d.h * d.w * d.c, n * d.h * d.w * d.c);
      return wrap(await DepthwiseConv2d.create(device, { h: d.h, w: d.w, relu: d.relu, name: d.layer }, randomDwW(d.c), b), n, b.owned);
    }
    case 'pointwise': {
      const b = io(device, n * d.h * d.w * d.cin, n * d.h * d.w * d.cout);
      return wrap(await PointwiseConv2d.create(device, { hw: d.h * d.w, relu: d.relu, name: d.layer }, randomPwW(d.cin, d.cout), b), n, b.owned);
    }
    case 'separable': {
      const b = io(device, n * d.h * d.w * d.cin, n * d.h * d.w * d.cout);
      const k = await SeparableConv2d.create(device, { h: d.h, w: d.w, relu: d.relu, name: d.layer }, randomDwW(d.cin), randomPwW(d.cin, d.cout), b);
      return wrap(k, n, b.owned);
    }
    case 'maxpool-shortcut': {
      const o = poolOut(d.h) * poolOut(d.w);
      const y = storageBuffer(device, 'bench.y', rand(n * d.h * d.w * d.c, 1));
      const x = storageBuffer(device, 'bench.x', rand(n * d.h * d.w * d.cin, 1));
      const out = storageBuffer(device, 'bench.out', n * o * d.c * 4);
      const k = await MaxpoolAdd.create(device, { h: d.h, w: d.w, c: d.c, name: d.layer }, { y, x, shortcut: randomConvW(1, d.cin, d.c), out });
      return wrap(k, n, [y, x, out]);
    }
    case 'head-gap': {
      const b = io(device, n * d.h * d.w * d.cin, n * 2 * d.k);
      const k = await HeadGap.create(device, { h: d.h, w: d.w, name: d.layer }, randomConvW(3, d.cin, d.k), { x: b.x, out: b.y });
      return wrap(k, n, b.owned);
    }
  }
}

/** A dispatch to time alone: a shipped kernel on a model shape, a larger shape, or a prototype. */
export interface KernelCase {
  kernel: string;
  layer: string;
  shape: string;
  batch: number;
  flops: number;
  bytes: number;
  /** Counted in share_of_model (the shipped plan's dispatches). */
  inModel: boolean;
  build(device: GPUDevice): Promise<BuiltKernel>;
}
