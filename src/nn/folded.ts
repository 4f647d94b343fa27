import type { ModelSpec } from './model-spec.js';
export interface ConvW { w: Float32Array; b: Float32Array; kh: number; kw: number; cin: number; cout: number } // w: [KH,KW,Cin,Cout], Cout fastest
export interface DwW { w: Float32Array; kh: number; kw: number; c: number }                                      // w: [KH,KW,C]
export interface PwW { w: Float32Array; b: Float32Array; cin: number; cout: number }                             // w: [Cin,Cout]
export interface FoldedMiniXception {
  spec: ModelSpec;
  stem: [ConvW, ConvW];       // 3x3 valid, BN folded, followed by ReLU
  blocks: { shortcut: ConvW /* 1x1 stride 2, BN folded */; dw1: DwW; pw1: PwW /* BN1 folded, ReLU after */; dw2: DwW; pw2: PwW /* BN2 folded, no ReLU */ }[];
  head: ConvW;                // 3x3 same, bias, no BN
}
