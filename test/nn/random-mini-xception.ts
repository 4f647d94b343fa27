// A random BN-folded mini-Xception of any widths, for backend-vs-backend tests without trained weights.
import type { FoldedMiniXception } from '../../src/nn/mini-xception/folded.js';
import type { ModelSpec } from '../../src/nn/model-spec.js';
import { randomConv, randomDw, randomPw } from '../kernels/harness.js';

export function randomSpec(stem: number, widths: number[], classes = 7, flip = true, size = 48): ModelSpec {
  return {
    name: 'random', arch: 'mini-xception',
    input: { size, channels: 1, scale: 2 / 255, offset: -1 },
    stem, widths, classes: Array.from({ length: classes }, (_, i) => `c${i}`), bn_eps: 1e-5, flip_tta: flip,
  };
}

export function randomMiniXception(spec: ModelSpec, seed = 1): FoldedMiniXception {
  let s = seed * 100;
  const chans = [spec.stem, ...spec.widths];
  return {
    spec,
    stem: [randomConv(3, 3, 1, spec.stem, s++), randomConv(3, 3, spec.stem, spec.stem, (s += 2))],
    blocks: spec.widths.map((c, i) => ({
      shortcut: randomConv(1, 1, chans[i], c, (s += 2)),
      dw1: randomDw(chans[i], (s += 2)),
      pw1: randomPw(chans[i], c, (s += 2)),
      dw2: randomDw(c, (s += 2)),
      pw2: randomPw(c, c, (s += 2)),
    })),
    head: randomConv(3, 3, chans[chans.length - 1], spec.classes.length, (s += 2)),
  };
}
