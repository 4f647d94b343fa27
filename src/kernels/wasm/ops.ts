// Typed calls of the wasm kernels on buffers of a WasmHeap: the shapes in, the row range filled in
// (all rows here; the thread pool splits the same calls by rows).
import type { KernelExports, WConv, WDw, WPw } from './heap.js';

/** An NHWC tensor in wasm memory: byte offset and shape. */
export interface WTensor { ptr: number; n: number; h: number; w: number; c: number }

export const convOut = (size: number, k: number, stride: number, pad: number): number => Math.floor((size + 2 * pad - k) / stride) + 1;

/** y = act(conv(x) + b); y holds N × OH × OW × Cout floats. */
export function conv2d(m: { k: KernelExports }, x: WTensor, c: WConv, stride: number, pad: number, relu: boolean, y: number): WTensor {
  if (x.c !== c.cin) throw new Error(`wasm conv2d: input has ${x.c} channels, weights expect ${c.cin}`);
  const oh = convOut(x.h, c.kh, stride, pad), ow = convOut(x.w, c.kw, stride, pad);
  if (!(oh >= 1 && ow >= 1)) throw new Error(`wasm conv2d: ${x.h}x${x.w} input is smaller than the ${c.kh}x${c.kw} kernel`);
  m.k.conv2d(x.ptr, x.n, x.h, x.w, x.c, c.w, c.b, c.kh, c.kw, c.cout, stride, pad, relu ? 1 : 0, y, 0, oh);
  return { ptr: y, n: x.n, h: oh, w: ow, c: c.cout };
}

export function pointwise(m: { k: KernelExports }, x: WTensor, p: WPw, relu: boolean, y: number): WTensor {
  if (x.c !== p.cin) throw new Error(`wasm pointwise: input has ${x.c} channels, weights expect ${p.cin}`);
  m.k.pointwise(x.ptr, p.cin, p.w, p.b, p.cout, relu ? 1 : 0, y, 0, x.n * x.h * x.w);
  return { ...x, ptr: y, c: p.cout };
}

/** act: 'none' | 'relu' | { sigmoid: k } (sigmoid on channels 0..k-1). */
export function depthwise(m: { k: KernelExports }, x: WTensor, d: WDw, act: 'none' | 'relu' | { sigmoid: number }, y: number): WTensor {
  if (x.c !== d.c) throw new Error(`wasm depthwise: input has ${x.c} channels, weights expect ${d.c}`);
  const [a, sig] = act === 'none' ? [0, 0] : act === 'relu' ? [1, 0] : [2, act.sigmoid];
  m.k.depthwise3x3(x.ptr, x.n, x.h, x.w, x.c, d.w, d.b, a, sig, y, 0, x.h);
  return { ...x, ptr: y };
}

export const poolOut = (size: number): number => Math.floor((size - 1) / 2) + 1;

/** out = maxpool3x3/2 pad 1(y) + r (r: the pooled shape; out may be r.ptr). */
export function maxpoolAdd(m: { k: KernelExports }, y: WTensor, r: WTensor, out: number): WTensor {
  const oh = poolOut(y.h), ow = poolOut(y.w);
  if (r.n !== y.n || r.h !== oh || r.w !== ow || r.c !== y.c) throw new Error(`wasm maxpoolAdd: r is ${r.n}x${r.h}x${r.w}x${r.c}, expected ${y.n}x${oh}x${ow}x${y.c}`);
  m.k.maxpool3s2Add(y.ptr, y.n, y.h, y.w, y.c, r.ptr, out, 0, oh);
  return { ...r, ptr: out };
}

export function maxpool2x2(m: { k: KernelExports }, x: WTensor, y: number): WTensor {
  m.k.maxpool2x2(x.ptr, x.n, x.h, x.w, x.c, y);
  return { ...x, ptr: y, h: x.h >> 1, w: x.w >> 1 };
}

/** out = skip + nearest-2x upsample(x); out may be skip.ptr. */
export function upsampleAdd(m: { k: KernelExports }, skip: WTensor, x: WTensor, out: number): WTensor {
  if (x.n !== skip.n || x.c !== skip.c || 2 * x.h !== skip.h || 2 * x.w !== skip.w) throw new Error(`wasm upsampleAdd: x ${x.h}x${x.w}x${x.c} is not half of skip ${skip.h}x${skip.w}x${skip.c}`);
  m.k.upsampleAdd(skip.ptr, x.ptr, skip.n, skip.h, skip.w, skip.c, out);
  return { ...skip, ptr: out };
}

/** out[N, C] = the mean of each image's pixels. */
export function globalAvgPool(m: { k: KernelExports }, y: WTensor, out: number): void {
  m.k.globalAvgPool(y.ptr, y.n, y.h * y.w, y.c, out);
}
