// Derived numbers of a report: emolens-vs-peer ratios, and a plain-text table for the terminal
// (`npm run bench` without --json) and for docs/benchmarks.md.
import type { BenchReport, KernelResult, ModelResult } from './report.js';

export interface Ratio {
  model: ModelResult['model'];
  batch: number;
  /** 'onnxruntime-web webgpu' etc. */
  peer: string;
  /** How many times faster emolens is (peer median / emolens median); >1 = emolens ahead. */
  speedup: number | null;
  emolens: string;
}

const key = (r: ModelResult) => `${r.runtime} ${r.backend}`;

/**
 * emolens webgpu vs every webgpu peer, and emolens' CPU path (wasm, else the cpu reference) vs every
 * CPU-side peer (wasm, cpu), per model (emotion, yunet) and batch.
 */
export function ratios(rep: BenchReport): Ratio[] {
  const out: Ratio[] = [];
  for (const model of ['emotion', 'yunet'] as const) out.push(...modelRatios(rep.results.filter((r) => r.model === model)));
  return out;
}

function modelRatios(emotion: ModelResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const batch of [...new Set(emotion.map((r) => r.batch))]) {
    const rows = emotion.filter((r) => r.batch === batch);
    const gpu = rows.find((r) => r.runtime === 'emolens' && r.backend === 'webgpu');
    const cpu = rows.find((r) => r.runtime === 'emolens' && r.backend === 'wasm' && r.median_ms) ?? rows.find((r) => r.runtime === 'emolens' && r.backend === 'cpu');
    for (const r of rows) {
      if (r.runtime === 'emolens') continue;
      const mine = r.backend === 'webgpu' ? gpu : cpu;
      const ok = mine?.median_ms && r.median_ms;
      out.push({ model: r.model, batch, peer: key(r), emolens: mine ? key(mine) : 'emolens', speedup: ok ? r.median_ms! / mine!.median_ms! : null });
    }
  }
  return out;
}

export function adapterLine(rep: BenchReport): string {
  const a = rep.adapter;
  if (!a) return 'no WebGPU adapter';
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name}${a.isFallbackAdapter ? ' (software fallback adapter)' : ''}; features: ${a.features.join(', ') || 'none'}`;
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? lpad(c, w[i]) : pad(c, w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

export function modelTable(results: ModelResult[]): string {
  return table(
    ['model', 'runtime', 'backend', 'batch', 'median ms', 'min', 'max', 'n', 'ms/face', 'faces/s', 'GFLOP/s', 'of FMA roof', 'max|Δ| vs emolens'],
    results.map((r) => [r.model, r.runtime, r.backend, String(r.batch), f(r.median_ms), f(r.min_ms), f(r.max_ms), String(r.samples), f(r.per_face_ms), f(r.faces_per_s, 1),
      f(r.gflops, 3), pct(r.roofline_fraction), r.max_abs_diff_vs_emolens === null ? (r.error ?? '—') : r.max_abs_diff_vs_emolens.toExponential(1) + (r.correct ? '' : ' WRONG')]),
    [false, false, false, true, true, true, true, true, true, true, true, true, false],
  );
}

export function kernelTable(kernels: KernelResult[]): string {
  return table(
    ['kernel', 'layer', 'shape', 'batch', 'median ms', 'min', 'max', 'n×reps', 'GFLOP/s', 'GB/s', 'of roof', 'share'],
    kernels.map((k) => [k.kernel, k.layer, k.shape, String(k.batch), f(k.median_ms, 3), f(k.min_ms, 3), f(k.max_ms, 3), `${k.samples}×${k.dispatches}`,
      f(k.gflops, 2), f(k.gbps, 2), pct(k.roofline_fraction), k.share_of_model === undefined ? '' : pct(k.share_of_model)]),
    [false, false, false, true, true, true, true, true, true, true, true, true],
  );
}

export interface ProtoRow {
  layer: string;
  batch: number;
  shipped: KernelResult;
  /**
   * Every prototype on the layer, fastest first: speed-up = shipped median / prototype median, and
   * the same of the minimums (noise on a shared machine only adds time, so min is the steadier).
   */
  protos: { kernel: string; median_ms: number; min_ms: number; speedup: number; speedup_min: number }[];
}

/** Prototype kernels (kernel names starting 'proto ') against the shipped kernel of the same layer and batch. */
export function protoRows(kernels: KernelResult[]): ProtoRow[] {
  const rows: ProtoRow[] = [];
  for (const shipped of kernels) {
    if (shipped.kernel.startsWith('proto ') || shipped.share_of_model === undefined) continue;
    const protos = kernels
      .filter((k) => k.kernel.startsWith('proto ') && k.layer === shipped.layer && k.batch === shipped.batch)
      .map((k) => ({ kernel: k.kernel, median_ms: k.median_ms, min_ms: k.min_ms, speedup: shipped.median_ms / k.median_ms, speedup_min: shipped.min_ms / k.min_ms }))
      .sort((a, b) => a.min_ms - b.min_ms);
    if (protos.length) rows.push({ layer: shipped.layer, batch: shipped.batch, shipped, protos });
  }
  return rows;
}

export function protoTable(kernels: KernelResult[]): string {
  const rows = protoRows(kernels);
  return table(
    ['layer', 'batch', 'shipped', 'shipped ms (min)', 'best prototype', 'ms (min)', 'speed-up min (median)', 'all prototypes: speed-up of min'],
    rows.map((r) => [r.layer, String(r.batch), r.shipped.kernel, `${f(r.shipped.median_ms, 3)} (${f(r.shipped.min_ms, 3)})`, r.protos[0].kernel,
      `${f(r.protos[0].median_ms, 3)} (${f(r.protos[0].min_ms, 3)})`, `${r.protos[0].speedup_min.toFixed(2)}× (${r.protos[0].speedup.toFixed(2)}×)`,
      r.protos.map((p) => `${p.kernel.replace(/^proto \S+ /, '')} ${p.speedup_min.toFixed(2)}`).join(', ')]),
    [false, true, false, true, false, true, true, false],
  );
}

export function summaryText(rep: BenchReport): string {
  const parts = [`adapter: ${adapterLine(rep)}`, `browser: ${rep.meta.user_agent}`];
  if (rep.roofline) {
    const r = rep.roofline;
    parts.push(`roofline: FMA ${f(r.fma_gflops)} GFLOP/s, copy ${f(r.copy_gbps)} GB/s (buffer copy) / ${f(r.copy_kernel_gbps)} GB/s (copy kernel), ridge ${f(r.ridge_flop_per_byte)} FLOP/B`);
  }
  if (rep.wasm_roofline) parts.push(`wasm roofline: f32x4 ${rep.wasm_roofline.fused ? "fused multiply-add" : "mul + add"} ${f(rep.wasm_roofline.fma_gflops)} GFLOP/s on one core (SIMD128 mul + add ${f(rep.wasm_roofline.simd128_gflops)}); ${rep.meta.threads ?? 1} thread(s), cross-origin isolated: ${rep.meta.cross_origin_isolated ?? false}`);
  parts.push(`model: ${(rep.meta.model_flops_per_face / 1e6).toFixed(2)} MFLOP/face; kernel timing: ${rep.meta.kernel_timing}; wall ${rep.meta.wall_s.toFixed(0)} s${rep.meta.quick ? ' (quick)' : ''}${rep.meta.host_load_avg ? `; host load avg ${rep.meta.host_load_avg.join(' → ')}` : ''}`);
  parts.push('', modelTable(rep.results));
  const rs = ratios(rep);
  if (rs.length) {
    parts.push('', 'emolens speed-up (peer median / emolens median, >1 = emolens faster):');
    parts.push(table(['model', 'batch', 'emolens', 'vs', 'speed-up'], rs.map((r) => [r.model, String(r.batch), r.emolens, r.peer, r.speedup === null ? '—' : `${r.speedup.toFixed(2)}×`]), [false, true, false, false, true]));
  }
  if (rep.kernels.length) parts.push('', kernelTable(rep.kernels));
  if (protoRows(rep.kernels).length) parts.push('', 'prototypes (src/bench/proto/) vs the shipped kernel, same layer and batch:', protoTable(rep.kernels));
  if (rep.meta.notes.length) parts.push('', ...rep.meta.notes.map((n) => `note: ${n}`));
  return parts.join('\n');
}
