// <emo-bench-view> showing a saved report: the adapter is stated, one table row per result with the
// correctness diff, the failed cell's reason, the chart drawn, the exports enabled and a PNG made.
import { expect, fixture, html } from '@open-wc/testing';
import type { BenchReport } from '../../src/bench/report.js';
import { ratios, summaryText } from '../../src/bench/summary.js';
import '../../src/bench/view/emo-bench-view.js';
import type { BenchView } from '../../src/bench/view/emo-bench-view.js';

const row = (runtime: 'emolens' | 'onnxruntime-web' | 'tfjs', backend: 'webgpu' | 'wasm' | 'cpu', ms: number | null, diff: number | null) => ({
  runtime, backend, model: 'emotion' as const, batch: 1, median_ms: ms, min_ms: ms, max_ms: ms, samples: ms === null ? 0 : 5,
  per_face_ms: ms, faces_per_s: ms === null ? null : 1000 / ms, gflops: ms === null ? null : 23.3 / ms, roofline_fraction: ms === null ? null : 0.1,
  max_abs_diff_vs_emolens: diff, correct: diff !== null && diff < 1e-3, ...(ms === null ? { error: 'logits differ from emolens by 1.00e+0 (> 0.001): not timed' } : {}),
});

export const REPORT: BenchReport = {
  adapter: { vendor: 'google', architecture: 'swiftshader', description: '', device: '', isFallbackAdapter: true, features: ['timestamp-query'] },
  results: [row('emolens', 'webgpu', 20, 0), row('emolens', 'cpu', 18, 1e-6), row('onnxruntime-web', 'webgpu', 160, 1e-6), row('tfjs', 'webgpu', null, 1)],
  kernels: [{ kernel: 'conv2d', layer: 'stem1', shape: '46x46x12→12 k3s1p0', batch: 1, median_ms: 7, min_ms: 6, max_ms: 8, samples: 7, dispatches: 3,
    flops: 5e6, bytes: 2e5, gflops: 0.7, gbps: 0.03, roofline_fraction: 0.18, share_of_model: 0.26 }],
  roofline: { fma_gflops: 4, fma_samples: 5, copy_gbps: 8, copy_kernel_gbps: 2, bandwidth_gbps: 8, ridge_flop_per_byte: 0.5 },
  meta: { user_agent: 'test', date: '2025-01-01T00:00:00.000Z', quick: true, kernel_timing: 'timestamp-query', model_flops_per_face: 23_313_600,
    tolerance: 1e-3, versions: {}, notes: ['a note'], wall_s: 1 },
};

suite('emo-bench-view', () => {
  test('renders adapter, results, kernels and chart of a report', async () => {
    const el = await fixture<BenchView>(html`<emo-bench-view .report=${REPORT}></emo-bench-view>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('[data-adapter]')!.textContent).to.contain('google swiftshader').and.contain('fallback');
    const rows = [...root.querySelectorAll('section[aria-label=Results] tbody tr')];
    expect(rows).to.have.length(4);
    expect(rows[3].textContent).to.contain('logits differ');
    expect(root.querySelector('section[aria-label=Kernels] tbody tr')!.textContent).to.contain('stem1');
    const canvas = root.querySelector('canvas')!;
    expect(canvas.width).to.be.greaterThan(0);
    const buttons = [...root.querySelectorAll('button')];
    expect(buttons.find((b) => b.textContent!.includes('Export JSON'))!.disabled).to.equal(false);
    const png = await el.chartPng();
    expect(png.type).to.equal('image/png');
    expect(png.size).to.be.greaterThan(1000);
  });

  test('ratios and text summary: peer time / emolens time per batch', () => {
    const rs = ratios(REPORT);
    expect(rs.find((r) => r.peer === 'onnxruntime-web webgpu')!.speedup).to.equal(8);
    expect(rs.find((r) => r.peer === 'tfjs webgpu')!.speedup).to.equal(null);
    expect(summaryText(REPORT)).to.contain('8.00×').and.contain('WRONG');
  });
});
