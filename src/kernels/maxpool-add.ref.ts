// Residual-module tail on NHWC: out = maxpool3x3/2 pad 1 (-inf)(y) + r, optionally with
// r = conv1x1/2(x) (the shortcut): CPU backend and oracle for shaders/maxpool-add.wgsl.
import type { ConvW } from './types.js';
import { conv2dRef } from './conv2d.ref.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

export function poolOutSize(size: number): number {
  return Math.floor((size - 1) / 2) + 1;
}

export function maxpoolAddRef(y: Tensor, r: Tensor): Tensor {
  const [n, h, w, c] = nhwc(y);
  const oh = poolOutSize(h), ow = poolOutSize(w);
  const rs = nhwc(r);
  if (rs[0] !== n || rs[1] !== oh || rs[2] !== ow || rs[3] !== c) throw new Error(`maxpoolAddRef: r has shape [${r.shape}], expected [${[n, oh, ow, c]}]`);
  const out = tensor([n, oh, ow, c], r.data.slice());
  const Y = y.data, O = out.data;
  const m = new Float32Array(c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        m.fill(-Infinity);
        for (let iy = Math.max(0, 2 * oy - 1); iy <= Math.min(h - 1, 2 * oy + 1); iy++) {
          for (let ix = Math.max(0, 2 * ox - 1); ix <= Math.min(w - 1, 2 * ox + 1); ix++) {
            const yo = ((b * h + iy) * w + ix) * c;
            for (let ch = 0; ch < c; ch++) if (Y[yo + ch] > m[ch]) m[ch] = Y[yo + ch];
          }
        }
        const oo = ((b * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) O[oo + ch] += m[ch];
      }
    }
  }
  return out;
}

/** maxpool(y) + conv1x1/2(x; shortcut) — the whole tail of a residual module. */
export function maxpoolShortcutAddRef(y: Tensor, x: Tensor, shortcut: ConvW): Tensor {
  return maxpoolAddRef(y, conv2dRef(x, shortcut, { stride: 2, pad: 0, relu: false }));
}
