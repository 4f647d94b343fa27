import type { ModelSpec } from '../model-spec.js';
import type { ConvW, DwW, PwW } from '../../kernels/types.js';
export type { ConvW, DwW, PwW } from '../../kernels/types.js';
export interface FoldedMiniXception {
  spec: ModelSpec;
  stem: [ConvW, ConvW];       // 3x3 valid, BN folded, followed by ReLU
  blocks: { shortcut: ConvW /* 1x1 stride 2, BN folded */; dw1: DwW; pw1: PwW /* BN1 folded, ReLU after */; dw2: DwW; pw2: PwW /* BN2 folded, no ReLU */ }[];
  head: ConvW;                // 3x3 same, bias, no BN
}
