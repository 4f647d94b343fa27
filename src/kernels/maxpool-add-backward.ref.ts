// Backward of the residual-module tail out = maxpool3x3/2 pad 1 (-inf)(y) + r (maxpool-add.ref.ts):
// - max-pool: each output's gradient goes to its window's arg-max; ties go to the first maximum
//   in row-major window order over the in-map taps (PyTorch's max_pool2d: `val > maxval` scanning
//   rows then columns). A y pixel in several windows sums what each window routes to it.
// - residual add: the gradient fans out unchanged to both addends, so dL/dr = dL/dout; where a
//   tensor feeds both branches (the module input x), the two branch gradients are summed (fan-in).
// CPU backend and oracle for shaders/maxpool-add-backward.wgsl.
import { poolOutSize } from './maxpool-add.ref.js';
import { type Tensor, nhwc, tensor } from './tensor.js';

/** dL/dy [N,H,W,C] from dL/dout g [N,OH,OW,C] and the forward pre-pool map y. */
export function maxpoolBackwardRef(g: Tensor, y: Tensor): Tensor {
  const [n, h, w, c] = nhwc(y);
  const oh = poolOutSize(h), ow = poolOutSize(w);
  const gs = nhwc(g);
  if (gs[0] !== n || gs[1] !== oh || gs[2] !== ow || gs[3] !== c) throw new Error(`maxpoolBackwardRef: gradient has shape [${g.shape}], expected [${[n, oh, ow, c]}]`);
  const out = tensor([n, h, w, c]);
  const Y = y.data, G = g.data, O = out.data;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity, at = -1;
          for (let iy = Math.max(0, 2 * oy - 1); iy <= Math.min(h - 1, 2 * oy + 1); iy++) {
            for (let ix = Math.max(0, 2 * ox - 1); ix <= Math.min(w - 1, 2 * ox + 1); ix++) {
              const v = Y[((b * h + iy) * w + ix) * c + ch];
              if (at < 0 || v > best) { best = v; at = ((b * h + iy) * w + ix) * c + ch; }
            }
          }
          O[at] += G[((b * oh + oy) * ow + ox) * c + ch];
        }
      }
    }
  }
  return out;
}

/** Both gradients of out = maxpool(y) + r: { gy, gr } with gr = g (the fan-out). */
export function maxpoolAddBackwardRef(g: Tensor, y: Tensor): { gy: Tensor; gr: Tensor } {
  return { gy: maxpoolBackwardRef(g, y), gr: g };
}

/** Fan-in where one tensor fed two branches: the sum of the branch gradients. */
export function addRef(a: Tensor, b: Tensor): Tensor {
  if (a.data.length !== b.data.length) throw new Error(`addRef: [${a.shape}] + [${b.shape}]`);
  return tensor([...a.shape], a.data.map((v, i) => v + b.data[i]));
}
