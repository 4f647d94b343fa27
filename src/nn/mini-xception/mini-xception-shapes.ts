// Map sizes of the mini-Xception forward pass (training/model.py), shared by the CPU and GPU plans.
import { poolOutSize } from '../../kernels/maxpool-add.ref.js';
import type { FoldedMiniXception } from './folded.js';

export interface BlockShape {
  /** Input map side and channels of the module, and its output side and channels. */
  h: number;
  cin: number;
  oh: number;
  c: number;
}

export interface MiniXceptionShapes {
  size: number;
  /** After stem conv 0 and 1 ('valid' 3x3: S-2, S-4), with C0 channels. */
  stem0: number;
  stem1: number;
  c0: number;
  blocks: BlockShape[];
  /** Classes K. */
  k: number;
  /** Largest activation of the pass, in floats per face (sizes the ping-pong buffers). */
  maxActivation: number;
}

export function miniXceptionShapes(f: FoldedMiniXception): MiniXceptionShapes {
  const size = f.spec.input.size;
  const c0 = f.stem[1].cout;
  const stem0 = size - 2, stem1 = size - 4;
  let max = Math.max(stem0 * stem0 * f.stem[0].cout, stem1 * stem1 * c0);
  let h = stem1, cin = c0;
  const blocks = f.blocks.map((b) => {
    const c = b.pw1.cout;
    const oh = poolOutSize(h);
    max = Math.max(max, h * h * cin, h * h * c);
    const s: BlockShape = { h, cin, oh, c };
    h = oh;
    cin = c;
    return s;
  });
  return { size, stem0, stem1, c0, blocks, k: f.head.cout, maxActivation: max };
}
