// The HUD line under the picture: what the pipeline costs on this device. A still photo has no
// frame rate, and a video has none until two frames have been analysed (one frame gives no
// interval), so neither shows "0.0 fps".
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
