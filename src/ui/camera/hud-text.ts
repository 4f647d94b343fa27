// The HUD line under the picture: what the pipeline costs on this device. A still photo has no
// frame rate, and a video has none until two frames have been analysed (one frame gives no
// interval), so neither shows "0.0 fps".
import type { PipelineResult } from '../../worker/api';
import { faces } from '../common/words';

export interface HudNumbers {
  fps: number;
  detectMs: number;
  classifyMs: number;
  /** Faces in the latest result. */
  faces: number;
}

export function hudText(still: boolean, n: HudNumbers): string {
  const ms = `detect ${n.detectMs.toFixed(0)} ms · classify ${n.classifyMs.toFixed(0)} ms`;
  if (still) return `Photo · ${faces(n.faces)} · ${ms}`;
  const rate = n.fps > 0 ? `${n.fps.toFixed(1)} fps` : 'measuring fps…';
  return `${rate} · ${faces(n.faces)} · ${ms}`;
}

/** The loop's smoothed numbers for a video; a photo's own (not averaged with the photos before it). */
export function hudNumbers(still: boolean, loop: { fps: number; detectMs: number; classifyMs: number }, r: PipelineResult | undefined): HudNumbers {
  const n = r?.faces.length ?? 0;
  if (!still || !r) return { fps: loop.fps, detectMs: loop.detectMs, classifyMs: loop.classifyMs, faces: n };
  return { fps: 0, detectMs: r.timings.detect ?? 0, classifyMs: (r.timings.crop ?? 0) + (r.timings.classify ?? 0), faces: n };
}
