// Depthwise 3x3, stride 1, 'same' zero padding, + bias + activation on NHWC: CPU backend and oracle
// for shaders/depthwise-bias.wgsl (YuNet's depthwise convs and packed heads).
import type { DwW } from './types.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

/** 'none'; 'relu'; or { sigmoid: k }: logistic sigmoid on channels 0..k-1, identity on the rest. */
export type DwAct = 'none' | 'relu' | { sigmoid: number };

export function depthwiseBiasRef(x: Tensor, w: DwW, b: Float32Array, act: DwAct = 'none'): Tensor {
  const [n, h, wd, c] = nhwc(x);
  if (c !== w.c || b.length !== c) throw new Error(`depthwiseBiasRef: input has ${c} channels, weights ${w.c}, bias ${b.length}`);
  if (w.kh !== 3 || w.kw !== 3) throw new Error(`depthwiseBiasRef: 3x3 only, got ${w.kh}x${w.kw}`);
  const out = tensor([n, h, wd, c]);
  const X = x.data, W = w.w, Y = out.data;
  const sig = typeof act === 'object' ? act.sigmoid : 0;
  for (let bi = 0; bi < n; bi++) {
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < wd; ox++) {
        const yo = ((bi * h + oy) * wd + ox) * c;
        for (let ch = 0; ch < c; ch++) Y[yo + ch] = b[ch];
        for (let ky = 0; ky < 3; ky++) {
          const iy = oy + ky - 1;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = ox + kx - 1;
            if (ix < 0 || ix >= wd) continue;
            const xo = ((bi * h + iy) * wd + ix) * c;
            const wo = (ky * 3 + kx) * c;
            for (let ch = 0; ch < c; ch++) Y[yo + ch] += X[xo + ch] * W[wo + ch];
          }
        }
        if (act === 'relu') for (let ch = 0; ch < c; ch++) Y[yo + ch] = Math.max(0, Y[yo + ch]);
        for (let ch = 0; ch < sig; ch++) Y[yo + ch] = 1 / (1 + Math.exp(-Y[yo + ch]));
      }
    }
  }
  return out;
}
