// Types of face-line.js (plain JavaScript, shared with tools/analyze.mjs).
import type { PipelineFace } from '../worker/api';

export declare const r4: (v: number) => number;
export declare const r2: (v: number) => number;
export declare const round4: (p: Record<string, number>) => Record<string, number>;

export interface FaceLine {
  box: number[];
  score: number;
  landmarks: number[][];
  track: number;
  emotion: { label: string; probs: Record<string, number> };
  gender?: { label: string | null; probs: Record<string, number>; reason?: 'child' | 'unsure' };
}

export declare function faceLine(f: PipelineFace): FaceLine;
