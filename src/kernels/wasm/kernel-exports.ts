// The exports of the compiled AssemblyScript kernels (src/kernels/wasm/assembly/index.ts), as
// JavaScript sees them. Every pointer is a byte offset into the one imported memory.
export interface KernelExports {
  conv2d(x: number, n: number, h: number, w: number, cin: number, wt: number, b: number, kh: number, kw: number, cout: number,
    stride: number, pad: number, relu: number, y: number, oy0: number, oy1: number): void;
  pointwise(x: number, cin: number, wt: number, b: number, cout: number, relu: number, y: number, p0: number, p1: number): void;
  depthwise3x3(x: number, n: number, h: number, w: number, c: number, wt: number, b: number, act: number, sig: number, y: number, oy0: number, oy1: number): void;
  maxpool3s2Add(y: number, n: number, h: number, w: number, c: number, r: number, out: number, oy0: number, oy1: number): void;
  maxpool2x2(x: number, n: number, h: number, w: number, c: number, y: number): void;
  upsampleAdd(skip: number, x: number, n: number, h: number, w: number, c: number, out: number): void;
  globalAvgPool(y: number, n: number, hw: number, c: number, out: number): void;
  affine(x: number, count: number, scale: number, offset: number, y: number): void;
  cropResize(src: number, w: number, h: number, a: number, b: number, c: number, d: number, tx: number, ty: number,
    size: number, channels: number, taps: number, dst: number, y0: number, y1: number): void;
  resizeToTensor(src: number, w: number, h: number, ox: number, oy: number, scaleX: number, scaleY: number,
    inW: number, inH: number, padW: number, dst: number, y0: number, y1: number): void;
  yuvToRgba(yp: number, yStride: number, up: number, vp: number, uvStride: number, uvStep: number, w: number, h: number,
    yOff: number, yScale: number, rv: number, gu: number, gv: number, bu: number, dst: number, y0: number, y1: number): void;
  /** The roofline's FMA chains: 96 FLOPs per iteration. */
  fmaChains(iters: number): number;
}

/** The kernels a program may call, by op code (the index), and which take a row range as their last two arguments. */
export const PROGRAM_OPS = ['conv2d', 'pointwise', 'depthwise3x3', 'maxpool3s2Add', 'maxpool2x2', 'upsampleAdd', 'globalAvgPool', 'affine'] as const;
export type ProgramOp = (typeof PROGRAM_OPS)[number];
/** Ops split across threads by their last two arguments (output rows, or pixels for pointwise), with the split aligned to this many. */
export const RANGED: Partial<Record<ProgramOp, number>> = { conv2d: 1, pointwise: 4, depthwise3x3: 1, maxpool3s2Add: 1 };
