// The page tools/bench-saliency.mjs drives: times, for a model on both backends and a few batch
// sizes, one forward pass (logits, no flip), classify (flip TTA: 2 forwards), and saliency without
// and with the mirrored forward. Best and median of interleaved repetitions after one warm-up call each,
// wall clock around the awaited call (upload, dispatches, readback), on the page's main thread.
import { requestGpu } from '../gpu/device-select';
import { createMiniXception } from '../nn/mini-xception/mini-xception';
import { createSaliency } from '../nn/saliency/saliency';
import { fetchModel } from '../nn/mini-xception/weights';

export interface Timing {
  /** Best of the repetitions: the least disturbed by other processes on a shared machine. */
  min: number;
  median: number;
}

export interface SaliencyBenchRow {
  backend: 'webgpu' | 'cpu';
  batch: number;
  /** ms per call. */
  forward: Timing;
  classify: Timing;
  saliency: Timing;
  saliencyFlip: Timing;
}

export interface SaliencyBenchReport {
  model: string;
  adapter: string;
  userAgent: string;
  rows: SaliencyBenchRow[];
}

declare global {
  interface Window {
    benchSaliency?: (o: { model: string; batches: number[]; reps: number; backends: ('webgpu' | 'cpu')[] }) => Promise<SaliencyBenchReport>;
  }
}

function timing(xs: number[]): Timing {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[s.length >> 1] };
}

window.benchSaliency = async ({ model, batches, reps, backends }) => {
  const { spec, weights } = await fetchModel(new URL('./weights/', location.href).href, model);
  const probe = await requestGpu();
  const maxBatch = Math.max(...batches);
  const rows: SaliencyBenchRow[] = [];
  for (const backend of backends) {
    const device = backend === 'webgpu' ? (probe.ok ? probe.device : undefined) : undefined;
    if (backend === 'webgpu' && !device) throw new Error(`no WebGPU: ${probe.ok ? '' : probe.why}`);
    const cls = await createMiniXception(weights, { device, maxBatch });
    const sal = await createSaliency(weights, { device, maxBatch });
    for (const n of batches) {
      const face = spec.input.size ** 2 * spec.input.channels;
      const px = new Float32Array(n * face);
      for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24;
      const calls: Record<Exclude<keyof SaliencyBenchRow, 'backend' | 'batch'>, () => Promise<unknown>> = {
        forward: () => cls.logits(px, n),
        classify: () => cls.classify(px, n),
        saliency: () => sal.saliency(px, n, { flip: false }),
        saliencyFlip: () => sal.saliency(px, n, { flip: true }),
      };
      const times: Record<string, number[]> = {};
      for (const [k, f] of Object.entries(calls)) { await f(); times[k] = []; }
      const r = backend === 'cpu' && n > 1 ? Math.max(3, reps >> 2) : reps;
      for (let i = 0; i < r; i++) {
        for (const [k, f] of Object.entries(calls)) {
          const t = performance.now();
          await f();
          times[k].push(performance.now() - t);
        }
      }
      rows.push({ backend, batch: n, forward: timing(times.forward), classify: timing(times.classify), saliency: timing(times.saliency), saliencyFlip: timing(times.saliencyFlip) });
    }
    cls.dispose();
    sal.dispose();
  }
  return { model, adapter: probe.ok ? probe.name : 'none', userAgent: navigator.userAgent, rows };
};
