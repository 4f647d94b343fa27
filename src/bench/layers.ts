// The dispatches of the mini-Xception WebGPU plan (src/nn/mini-xception/mini-xception-gpu.ts, unfused) as plain
// shape descriptions, with their FLOPs and minimum memory traffic: what the kernel benchmark times
// one by one, and what the roofline maths divides by.
import type { FoldedMiniXception } from '../nn/mini-xception/folded.js';
import { miniXceptionShapes } from '../nn/mini-xception/mini-xception-shapes.js';

export type LayerDesc =
  | { kind: 'conv2d'; layer: string; h: number; w: number; cin: number; cout: number; k: number; stride: number; pad: number; relu: boolean; inAffine?: boolean }
  | { kind: 'depthwise'; layer: string; h: number; w: number; c: number; relu: boolean }
  | { kind: 'pointwise'; layer: string; h: number; w: number; cin: number; cout: number; relu: boolean }
  | { kind: 'separable'; layer: string; h: number; w: number; cin: number; cout: number; relu: boolean }
  | { kind: 'maxpool-shortcut'; layer: string; h: number; w: number; cin: number; c: number }
  | { kind: 'head-gap'; layer: string; h: number; w: number; cin: number; k: number };

const F = 4; // bytes per f32

export const poolOut = (s: number) => Math.floor((s - 1) / 2) + 1;
const convOut = (s: number, k: number, stride: number, pad: number) => Math.floor((s + 2 * pad - k) / stride) + 1;

/** Useful FLOPs (2 per multiply-add, no padding lanes) of one face. */
export function layerFlops(d: LayerDesc): number {
  switch (d.kind) {
    case 'conv2d': {
      const oh = convOut(d.h, d.k, d.stride, d.pad), ow = convOut(d.w, d.k, d.stride, d.pad);
      return 2 * oh * ow * d.cin * d.cout * d.k * d.k;
    }
    case 'depthwise': return 2 * d.h * d.w * d.c * 9;
    case 'pointwise': return 2 * d.h * d.w * d.cin * d.cout;
    case 'separable': return 2 * d.h * d.w * d.cin * (9 + d.cout);
    case 'maxpool-shortcut': return 2 * poolOut(d.h) * poolOut(d.w) * d.cin * d.c;
    // The kernel folds conv 3x3 + mean into one dot product per class (9x fewer FLOPs than the conv).
    case 'head-gap': return 2 * d.h * d.w * d.cin * d.k;
  }
}

/** Minimum bytes of `n` faces: activations in and out once per face, weights once. */
export function layerBytes(d: LayerDesc, n: number): number {
  switch (d.kind) {
    case 'conv2d': {
      const oh = convOut(d.h, d.k, d.stride, d.pad), ow = convOut(d.w, d.k, d.stride, d.pad);
      return F * (n * (d.h * d.w * d.cin + oh * ow * d.cout) + d.k * d.k * d.cin * d.cout + d.cout);
    }
    case 'depthwise': return F * (n * 2 * d.h * d.w * d.c + 9 * d.c);
    case 'pointwise': return F * (n * d.h * d.w * (d.cin + d.cout) + d.cin * d.cout + d.cout);
    case 'separable': return F * (n * d.h * d.w * (d.cin + d.cout) + 9 * d.cin + d.cin * d.cout + d.cout);
    case 'maxpool-shortcut': {
      const o = poolOut(d.h) * poolOut(d.w);
      return F * (n * (d.h * d.w * d.c + o * d.cin + o * d.c) + d.cin * d.c + d.c);
    }
    case 'head-gap': return F * (n * (d.h * d.w * d.cin + 2 * d.k) + d.k * d.h * d.w * d.cin + d.k);
  }
}

/** 'HxWxCin→Cout' style label for tables. */
export function layerShape(d: LayerDesc): string {
  switch (d.kind) {
    case 'conv2d': return `${d.h}x${d.w}x${d.cin}→${d.cout} k${d.k}s${d.stride}p${d.pad}`;
    case 'depthwise': return `${d.h}x${d.w}x${d.c}`;
    case 'pointwise': case 'separable': return `${d.h}x${d.w}x${d.cin}→${d.cout}`;
    case 'maxpool-shortcut': return `${d.h}x${d.w}x${d.c} (+${d.cin}→${d.c} 1x1/2)`;
    case 'head-gap': return `${d.h}x${d.w}x${d.cin}→${d.k}`;
  }
}

/** The dispatches of GpuPlan.run in order (separable convs split into depthwise + pointwise, as shipped). */
export function modelLayers(f: FoldedMiniXception): LayerDesc[] {
  const sh = miniXceptionShapes(f);
  const s = sh.size, ch = f.spec.input.channels, c0 = sh.c0;
  const out: LayerDesc[] = [
    { kind: 'conv2d', layer: 'stem0', h: s, w: s, cin: ch, cout: f.stem[0].cout, k: 3, stride: 1, pad: 0, relu: true, inAffine: true },
    { kind: 'conv2d', layer: 'stem1', h: sh.stem0, w: sh.stem0, cin: f.stem[0].cout, cout: c0, k: 3, stride: 1, pad: 0, relu: true },
  ];
  sh.blocks.forEach(({ h, cin, c }, i) => {
    const b = `block${i}`;
    out.push(
      { kind: 'depthwise', layer: `${b}.dw1`, h, w: h, c: cin, relu: false },
      { kind: 'pointwise', layer: `${b}.pw1`, h, w: h, cin, cout: c, relu: true },
      { kind: 'depthwise', layer: `${b}.dw2`, h, w: h, c, relu: false },
      { kind: 'pointwise', layer: `${b}.pw2`, h, w: h, cin: c, cout: c, relu: false },
      { kind: 'maxpool-shortcut', layer: `${b}.tail`, h, w: h, cin, c },
    );
  });
  const last = sh.blocks[sh.blocks.length - 1];
  out.push({ kind: 'head-gap', layer: 'head', h: last.oh, w: last.oh, cin: last.c, k: sh.k });
  return out;
}

/** The fused alternative of each separable conv (SeparableConv2d, off by default in the plan). */
export function separableLayers(f: FoldedMiniXception): LayerDesc[] {
  return miniXceptionShapes(f).blocks.flatMap(({ h, cin, c }, i): LayerDesc[] => [
    { kind: 'separable', layer: `block${i}.sep1`, h, w: h, cin, cout: c, relu: true },
    { kind: 'separable', layer: `block${i}.sep2`, h, w: h, cin: c, cout: c, relu: false },
  ]);
}

/** A few shapes larger than the model's, to see each kernel away from launch overhead. */
export const LARGE_LAYERS: LayerDesc[] = [
  { kind: 'conv2d', layer: 'large', h: 96, w: 96, cin: 32, cout: 32, k: 3, stride: 1, pad: 1, relu: true },
  { kind: 'depthwise', layer: 'large', h: 88, w: 88, c: 96, relu: false },
  { kind: 'pointwise', layer: 'large', h: 44, w: 44, cin: 192, cout: 192, relu: true },
  { kind: 'maxpool-shortcut', layer: 'large', h: 88, w: 88, cin: 48, c: 96 },
];

/**
 * FLOPs of one forward pass exactly as training/model.py count_flops counts them (the head as a
 * full 3x3 conv): the numerator of every model roofline fraction.
 */
export function modelFlops(f: FoldedMiniXception): number {
  const sh = miniXceptionShapes(f);
  const cin0 = f.spec.input.channels, stem = f.stem[0].cout;
  let flops = 2 * sh.stem0 * sh.stem0 * cin0 * stem * 9 + 2 * sh.stem1 * sh.stem1 * stem * sh.c0 * 9;
  for (const { h, cin, oh, c } of sh.blocks) {
    flops += 2 * h * h * (cin * 9 + cin * c) + 2 * h * h * (c * 9 + c * c) + 2 * oh * oh * cin * c;
  }
  const last = sh.blocks[sh.blocks.length - 1];
  return flops + 2 * last.oh * last.oh * last.c * sh.k * 9;
}
