// The bench view's bar chart, drawn on a canvas so "Export PNG" is canvas.toBlob(): faces per
// second of every runtime/backend, one group of bars per batch, each group scaled to its own best.
import type { BenchReport, ModelResult } from './report.js';
import { adapterLine } from './summary.js';

export interface ChartColors {
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  /** Bar fill per runtime. */
  runtime: Record<ModelResult['runtime'], string>;
}

export const DEFAULT_COLORS: ChartColors = {
  bg: '#ffffff',
  fg: '#16161d',
  muted: '#4a4a5a',
  grid: '#e3e3ee',
  runtime: { emolens: '#3a36c4', 'onnxruntime-web': '#b4531a', tfjs: '#1d7a4a' },
};

const ROW = 22;

/** Bar groups: one per (model, batch), in report order. */
function groups(rep: BenchReport): { model: string; batch: number; rows: ModelResult[] }[] {
  const out: { model: string; batch: number; rows: ModelResult[] }[] = [];
  for (const r of rep.results) {
    let g = out.find((x) => x.model === r.model && x.batch === r.batch);
    if (!g) out.push((g = { model: r.model, batch: r.batch, rows: [] }));
    g.rows.push(r);
  }
  return out;
}
const GROUP_GAP = 14;
const HEAD = 22;

/** CSS pixel height the chart needs for `rep`. */
export function chartHeight(rep: BenchReport): number {
  const batches = groups(rep).length;
  return 56 + batches * (HEAD + GROUP_GAP) + rep.results.length * ROW + 20;
}

/** Draws the chart into a canvas of `width` x chartHeight(rep) CSS pixels (scaled by `dpr`). */
export function drawChart(canvas: HTMLCanvasElement | OffscreenCanvas, rep: BenchReport, width: number, dpr = 1, c: ChartColors = DEFAULT_COLORS): void {
  const height = chartHeight(rep);
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = c.fg;
  ctx.font = 'bold 14px system-ui, sans-serif';
  ctx.fillText('faces per second (higher is better; each group scaled to its fastest)', 8, 14);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = c.muted;
  const adapter = adapterLine(rep).split(';')[0];
  ctx.fillText(`${adapter} · ${rep.meta.date.slice(0, 10)}${rep.meta.quick ? ' · quick' : ''}`, 8, 32);

  const labelW = 200;
  const valueW = 150;
  const barW = Math.max(40, width - labelW - valueW - 16);
  let y = 52;
  for (const { model, batch, rows } of groups(rep)) {
    const best = Math.max(1e-9, ...rows.map((r) => r.faces_per_s ?? 0));
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.fillStyle = c.fg;
    ctx.fillText(`${model === 'emotion' ? 'emotion model' : model}, batch ${batch}`, 8, y + HEAD / 2);
    y += HEAD;
    ctx.font = '12px system-ui, sans-serif';
    for (const r of rows) {
      const mid = y + ROW / 2;
      ctx.fillStyle = c.fg;
      ctx.fillText(`${r.runtime} ${r.backend}`, 16, mid);
      ctx.fillStyle = c.grid;
      ctx.fillRect(labelW, y + 3, barW, ROW - 6);
      const fps = r.faces_per_s;
      if (fps !== null) {
        ctx.fillStyle = c.runtime[r.runtime];
        ctx.fillRect(labelW, y + 3, Math.max(1, (barW * fps) / best), ROW - 6);
      }
      ctx.fillStyle = c.muted;
      ctx.fillText(fps === null ? (r.error ? 'failed' : '—') : `${fps.toFixed(fps < 10 ? 2 : 1)}/s · ${r.median_ms!.toFixed(1)} ms`, labelW + barW + 8, mid);
      y += ROW;
    }
    y += GROUP_GAP;
  }
}
