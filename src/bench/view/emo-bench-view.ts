// The bench view (dist/bench/bench.js, loaded on demand at #bench): runs the benchmark in its own worker
// (dist/bench/bench.worker.js) and shows the adapter, the results table, a bar chart, per-kernel numbers
// and the roofline, with JSON and PNG export. `npm run bench` drives the same element headless.
import { proxy, wrap } from 'comlink';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { BenchApi } from '../bench-api';
import { DEFAULT_COLORS, chartHeight, drawChart } from '../chart';
import type { BenchOptions, BenchProgress, BenchReport, KernelResult, ModelResult } from '../report';
import { adapterLine, ratios, summaryText } from '../summary';
import { buttons, card, page, tokens } from '../../ui/common/styles';

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);

/**
 * Benchmarks of emolens' kernels against onnxruntime-web and TensorFlow.js on this device.
 *
 * @fires emo-bench-progress - CustomEvent<BenchProgress> during a run
 * @fires emo-bench-done - CustomEvent<BenchReport> when a run ends
 * @csspart chart - the bar chart canvas
 */
@customElement('emo-bench-view')
export class BenchView extends LitElement {
  static override styles = [
    tokens,
    card,
    page,
    // The app's pill buttons (primary for Run, plain for the exports), so both pages look alike.
    buttons,
    css`
      main {
        max-width: 72rem;
      }
      h1 {
        margin: 0;
        font-size: clamp(1.4rem, 4vw, 1.9rem);
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 1.1rem;
      }
      a {
        color: var(--emo-accent);
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
      }
      input:focus-visible,
      a:focus-visible {
        outline: var(--emo-focus);
        outline-offset: 2px;
      }
      progress {
        width: 100%;
      }
      .muted {
        color: var(--emo-muted);
      }
      .error {
        background: var(--emo-danger-bg);
        color: var(--emo-danger-fg);
        border-radius: var(--emo-radius);
        padding: 0.6rem 1rem;
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        border-collapse: collapse;
        font-size: 0.85rem;
        width: 100%;
      }
      th,
      td {
        padding: 0.2rem 0.5rem;
        border-bottom: 1px solid var(--emo-border);
        text-align: right;
        white-space: nowrap;
      }
      th:nth-child(-n + 3),
      td:nth-child(-n + 3) {
        text-align: left;
      }
      td.bad {
        color: var(--emo-danger-fg);
        white-space: normal;
        text-align: left;
      }
      canvas {
        width: 100%;
        display: block;
        border-radius: var(--emo-radius);
      }
      ul {
        margin: 0.25rem 0 0;
        padding-left: 1.2rem;
      }
      .progress {
        flex-basis: 100%;
      }
      .flush {
        margin: 0;
      }
      .next {
        margin: 0.35rem 0 0;
      }
      .ratio {
        margin-right: 1rem;
      }
      h2.inline {
        display: inline;
      }
      td.left {
        text-align: left;
      }
    `,
  ];

  /** The last report (set by a run, or from outside to show a saved one). */
  @property({ attribute: false }) report?: BenchReport;

  /** URL of the bench worker script; defaults to bench.worker.js beside this bundle. */
  @property() workerUrl = '';

  @state() private _running = false;
  @state() private _progress?: BenchProgress;
  @state() private _error = '';
  @state() private _quick = false;

  @query('canvas') private _canvas?: HTMLCanvasElement;

  private _worker?: Worker;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._worker?.terminate();
    this._worker = undefined;
  }

  /** Runs the benchmark in a fresh worker; resolves to the report (also shown). */
  async run(options: BenchOptions = { quick: this._quick }): Promise<BenchReport> {
    if (this._running) throw new Error('a benchmark is already running');
    this._running = true;
    this._error = '';
    this._progress = { fraction: 0, message: 'starting the bench worker' };
    this._worker?.terminate();
    const url = this.workerUrl || new URL('./bench.worker.js', import.meta.url).href;
    const worker = (this._worker = new Worker(url, { type: 'module', name: 'emolens-bench' }));
    const failed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => reject(new Error(`the bench worker failed to start: ${e.message || url}`)), { once: true });
    });
    try {
      const api = wrap<BenchApi>(worker);
      const onProgress = (p: BenchProgress) => {
        this._progress = p;
        this.dispatchEvent(new CustomEvent<BenchProgress>('emo-bench-progress', { detail: p, bubbles: true, composed: true }));
      };
      const rep = await Promise.race([api.run(options, proxy(onProgress)), failed]);
      this.report = rep;
      this.dispatchEvent(new CustomEvent<BenchReport>('emo-bench-done', { detail: rep, bubbles: true, composed: true }));
      return rep;
    } catch (e) {
      this._error = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      this._running = false;
      worker.terminate();
      if (this._worker === worker) this._worker = undefined;
    }
  }

  /** The report as text tables (what `npm run bench` prints). */
  summaryText(): string {
    return this.report ? summaryText(this.report) : '';
  }

  /** The chart as a PNG (white background, 2x pixels). */
  async chartPng(): Promise<Blob> {
    if (!this.report) throw new Error('no report yet');
    const canvas = document.createElement('canvas');
    drawChart(canvas, this.report, 760, 2, DEFAULT_COLORS);
    return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('toBlob failed'))), 'image/png'));
  }

  override render() {
    const rep = this.report;
    return html`<main aria-busy=${this._running ? 'true' : 'false'}>
      <header>
        <h1>emolens benchmarks</h1>
        <p class="muted">Our WGSL kernels against onnxruntime-web and TensorFlow.js on this device: same model, weights, batch and adapter,
          in this page. <a href="#">Back to the app</a></p>
      </header>
      <section class="card controls" aria-label="Run">
        <button class="primary" id="run" @click=${this._onRun} ?disabled=${this._running}>${this._running ? 'Running…' : 'Run benchmark'}</button>
        <label><input type="checkbox" .checked=${this._quick} @change=${this._onQuick} ?disabled=${this._running} /> quick (smoke test, batch 1 only)</label>
        <button @click=${this._onExportJson} ?disabled=${!rep}>Export JSON</button>
        <button @click=${this._onExportPng} ?disabled=${!rep}>Export PNG</button>
        ${this._running && this._progress
          ? html`<div class="progress" role="status"><progress max="1" .value=${this._progress.fraction}></progress>
              <span class="muted">${this._progress.message}</span></div>`
          : nothing}
        ${!rep && !this._running ? html`<p class="muted flush">The full run takes a few minutes on a software adapter; the page stays usable.</p>` : nothing}
      </section>
      ${this._error ? html`<p class="error" role="alert">The benchmark failed: ${this._error}</p>` : nothing}
      ${rep ? this._renderReport(rep) : nothing}
    </main>`;
  }

  private _renderReport(rep: BenchReport) {
    const rs = ratios(rep);
    return html`
      <section class="card" aria-label="Adapter">
        <h2>Adapter</h2>
        <p class="flush" data-adapter>${adapterLine(rep)}</p>
        <p class="muted next">${rep.meta.user_agent}</p>
        ${rep.roofline
          ? html`<p class="next">Roofline: FMA ${fmt(rep.roofline.fma_gflops)} GFLOP/s, copy ${fmt(rep.roofline.bandwidth_gbps)} GB/s
              (buffer copy ${fmt(rep.roofline.copy_gbps)}, copy kernel ${fmt(rep.roofline.copy_kernel_gbps)}); model
              ${(rep.meta.model_flops_per_face / 1e6).toFixed(2)} MFLOP/face.</p>`
          : nothing}
      </section>
      <section class="card" aria-label="Chart">
        <canvas part="chart" role="img" aria-label="Bar chart of faces per second by runtime, backend and batch"></canvas>
      </section>
      <section class="card scroll" aria-label="Results">
        <h2>Whole model</h2>
        <table>
          <thead><tr><th>model</th><th>runtime</th><th>backend</th><th>batch</th><th>median ms</th><th>min</th><th>max</th><th>samples</th><th>ms/face</th>
            <th>faces/s</th><th>GFLOP/s</th><th>of FMA roof</th><th>max |Δ| vs emolens</th></tr></thead>
          <tbody>${rep.results.map((r) => this._modelRow(r))}</tbody>
        </table>
        ${rs.length
          ? html`<p class="next">emolens speed-up (peer time / emolens time):
              ${rs.map((r) => html`<span class="ratio">${r.model === 'emotion' ? '' : `${r.model} `}batch ${r.batch} ${r.emolens} vs ${r.peer}: <strong>${r.speedup === null ? '—' : `${r.speedup.toFixed(2)}×`}</strong></span>`)}</p>`
          : nothing}
        ${rep.meta.notes.length ? html`<ul class="muted">${rep.meta.notes.map((n) => html`<li>${n}</li>`)}</ul>` : nothing}
      </section>
      ${rep.kernels.length
        ? html`<section class="card scroll" aria-label="Kernels">
            <details open>
              <summary><h2 class="inline">Kernels alone</h2> <span class="muted">(${rep.meta.kernel_timing})</span></summary>
              <table>
                <thead><tr><th>kernel</th><th>layer</th><th>shape</th><th>batch</th><th>median ms</th><th>min</th><th>max</th><th>samples×reps</th>
                  <th>GFLOP/s</th><th>GB/s</th><th>of roof</th><th>share of pass</th></tr></thead>
                <tbody>${rep.kernels.map((k) => this._kernelRow(k))}</tbody>
              </table>
            </details>
          </section>`
        : nothing}`;
  }

  private _modelRow(r: ModelResult) {
    return html`<tr>
      <td>${r.model}</td><td>${r.runtime}</td><td>${r.backend}</td><td>${r.batch}</td><td>${fmt(r.median_ms)}</td><td>${fmt(r.min_ms)}</td><td>${fmt(r.max_ms)}</td>
      <td>${r.samples}</td><td>${fmt(r.per_face_ms)}</td><td>${fmt(r.faces_per_s, 1)}</td><td>${fmt(r.gflops, 3)}</td><td>${pct(r.roofline_fraction)}</td>
      ${r.error
        ? html`<td class="bad">${r.max_abs_diff_vs_emolens === null ? '' : `${r.max_abs_diff_vs_emolens.toExponential(1)}: `}${r.error}</td>`
        : html`<td>${r.max_abs_diff_vs_emolens?.toExponential(1) ?? '—'}</td>`}
    </tr>`;
  }

  private _kernelRow(k: KernelResult) {
    return html`<tr>
      <td>${k.kernel}</td><td>${k.layer}</td><td class="left">${k.shape}</td><td>${k.batch}</td><td>${fmt(k.median_ms, 3)}</td>
      <td>${fmt(k.min_ms, 3)}</td><td>${fmt(k.max_ms, 3)}</td><td>${k.samples}×${k.dispatches}</td><td>${fmt(k.gflops)}</td><td>${fmt(k.gbps)}</td>
      <td>${pct(k.roofline_fraction)}</td><td>${k.share_of_model === undefined ? '' : pct(k.share_of_model)}</td>
    </tr>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.report && this._canvas) {
      const s = getComputedStyle(this);
      const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
      const colors = { ...DEFAULT_COLORS, bg: v('--emo-surface', DEFAULT_COLORS.bg), fg: v('--emo-fg', DEFAULT_COLORS.fg), muted: v('--emo-muted', DEFAULT_COLORS.muted), grid: v('--emo-track', DEFAULT_COLORS.grid) };
      const width = Math.max(320, this._canvas.clientWidth || 760);
      drawChart(this._canvas, this.report, width, globalThis.devicePixelRatio || 1, colors);
      this._canvas.style.height = `${chartHeight(this.report)}px`;
    }
  }

  private _onQuick(e: Event) {
    this._quick = (e.target as HTMLInputElement).checked;
  }

  private _onRun() {
    this.run({ quick: this._quick }).catch(() => undefined); // shown in the alert
  }

  private _download(blob: Blob, name: string) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  private _stamp() {
    return (this.report?.meta.date ?? new Date().toISOString()).replace(/[:.]/g, '-');
  }

  private _onExportJson() {
    if (this.report) this._download(new Blob([JSON.stringify(this.report, null, 2)], { type: 'application/json' }), `emolens-bench-${this._stamp()}.json`);
  }

  private async _onExportPng() {
    try {
      this._download(await this.chartPng(), `emolens-bench-${this._stamp()}.png`);
    } catch (e) {
      this._error = e instanceof Error ? e.message : String(e);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-bench-view': BenchView;
  }
}
