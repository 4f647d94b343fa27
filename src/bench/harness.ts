// The benchmark: roofline, each kernel alone, then the whole emotion model on every runtime and
// backend, in one page and one run. Runs in the bench worker (bench.worker.ts); the bench view and
// `npm run bench` both drive it. Every timing excludes warm-up; runners are interleaved round-robin
// (stats.ts roundRobin) so noise from the shared machine lands on all of them alike.
import { isolationMissing, setWasmThreads } from '../kernels/wasm/thread-count.js';
import { setKernelWorkerUrl } from '../kernels/wasm/threads.js';
import { isFallback } from '../gpu/device-select.js';
import { fetchModel } from '../nn/mini-xception/weights.js';
import { GpuTimer, repsFor } from './gpu-timer.js';
import { buildKernel, kernelName, type BuiltKernel, type KernelCase } from './kernel-cases.js';

export type { KernelCase };
import { LARGE_LAYERS, type LayerDesc, layerBytes, layerFlops, layerShape, modelFlops, modelLayers, separableLayers } from './layers.js';
import { ortRunner, ortVersion } from './ort-runner.js';
import { PROTOTYPE_CASES, protoPassCase } from './prototypes.js';
import type { AdapterReport, BenchOptions, BenchProgress, BenchReport, KernelResult, ModelResult, RooflineReport } from './report.js';
import { attainable, measureRoofline } from './roofline.js';
import { type ModelRunner, benchInput, emolensRunner, emolensSaliencyRunner } from './runner.js';
import { maxAbsDiff, roundRobin, samplesFor, summarize } from './stats.js';
import { tfjsRunner, tfjsVersion } from './tfjs-runner.js';
import { type WasmRooflineReport, measureWasmRoofline } from './wasm-roofline.js';
import { emolensYunetRunner, loadYunetForBench, ortYunetRunner, yunetFlops, yunetInput } from './yunet-bench.js';

/** Logits within this of emolens' count as the same answer (they agree to ~1e-5 in practice). */
export const TOLERANCE = 1e-3;

/** The case of one shipped kernel on a layer's shape. */
export function layerCase(d: LayerDesc, batch: number, inModel: boolean): KernelCase {
  return {
    kernel: kernelName(d), layer: d.layer, shape: layerShape(d), batch,
    flops: layerFlops(d) * batch, bytes: layerBytes(d, batch), inModel,
    build: (device) => buildKernel(device, d, batch),
  };
}

/** Every model dispatch in plan order in one pass (own buffers per layer): the GPU time of a whole forward pass. */
export function passCase(layers: LayerDesc[], flopsPerFace: number, batch: number): KernelCase {
  return {
    kernel: 'whole pass', layer: 'all model dispatches', shape: `${layers.length} dispatches`, batch,
    flops: flopsPerFace * batch, bytes: layers.reduce((a, d) => a + layerBytes(d, batch), 0), inModel: false,
    async build(device) {
      const ks = await Promise.all(layers.map((d) => buildKernel(device, d, batch)));
      return { encode: (pass) => { for (const k of ks) k.encode(pass); }, destroy: () => { for (const k of ks) k.destroy(); } };
    },
  };
}

interface Settings {
  batches: number[];
  modelBudgetMs: number;
  modelSamples: [number, number];
  kernelBatches: number[];
  kernelSamples: number;
  kernelTargetMs: number;
  extraKernels: boolean;
  roof: { samples: number; targetMs: number; copyBytes: number };
}

function settings(o: BenchOptions): Settings {
  const quick = o.quick ?? false;
  return quick ? {
    batches: o.batches ?? [1],
    modelBudgetMs: 200,
    modelSamples: [2, 3],
    kernelBatches: [1],
    kernelSamples: 2,
    kernelTargetMs: 4,
    extraKernels: false,
    roof: { samples: 2, targetMs: 15, copyBytes: 8 << 20 },
  } : {
    batches: o.batches ?? [1, 8, 32],
    modelBudgetMs: 2000,
    modelSamples: [3, 20],
    kernelBatches: [1, 32],
    kernelSamples: 7,
    kernelTargetMs: 20,
    extraKernels: true,
    roof: { samples: 5, targetMs: 120, copyBytes: 64 << 20 },
  };
}

async function openDevice(): Promise<{ adapter: GPUAdapter; device: GPUDevice; info: AdapterReport } | { why: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { why: 'navigator.gpu is missing' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { why: 'no WebGPU adapter' };
  const features = [...adapter.features].map(String).sort();
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'bench.device',
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  const i = adapter.info;
  return {
    adapter, device,
    info: { vendor: i.vendor, architecture: i.architecture, description: i.description, device: i.device, isFallbackAdapter: isFallback(adapter), features },
  };
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);

/** Times every case alone, interleaved; share_of_model is filled per batch. */
async function benchKernels(device: GPUDevice, timer: GpuTimer, cases: KernelCase[], s: Settings, roof: RooflineReport | null,
  progress: (f: number, m: string) => void): Promise<KernelResult[]> {
  const built: { c: KernelCase; k: BuiltKernel; reps: number; times: number[] }[] = [];
  for (const c of cases) {
    try {
      const k = await c.build(device);
      await timer.time(k.encode, 1); // warm-up: first dispatch of the pipeline
      const one = await timer.time(k.encode, 1);
      built.push({ c, k, reps: repsFor(one, s.kernelTargetMs), times: [] });
    } catch (e) {
      console.warn(`bench: kernel ${c.kernel} ${c.layer} ${c.shape} skipped: ${errText(e)}`);
    }
  }
  for (let r = 0; r < s.kernelSamples; r++) {
    for (const b of built) b.times.push(await timer.time(b.k.encode, b.reps));
    progress((r + 1) / s.kernelSamples, `kernels: sample ${r + 1}/${s.kernelSamples} of ${built.length} dispatches`);
  }
  for (const b of built) b.k.destroy();
  const out = built.map(({ c, reps, times }): KernelResult => {
    const t = summarize(times);
    const gflops = c.flops / (t.median * 1e6);
    const ai = c.flops / c.bytes;
    return {
      kernel: c.kernel, layer: c.layer, shape: c.shape, batch: c.batch,
      median_ms: t.median, min_ms: t.min, max_ms: t.max, samples: t.n, dispatches: reps,
      flops: c.flops, bytes: c.bytes, gflops, gbps: c.bytes / (t.median * 1e6),
      roofline_fraction: roof ? gflops / attainable(roof, ai) : 0,
    };
  });
  for (const batch of new Set(cases.map((c) => c.batch))) {
    const inModel = out.filter((r, i) => built[i].c.inModel && r.batch === batch);
    const total = inModel.reduce((a, r) => a + r.median_ms, 0);
    for (const r of inModel) r.share_of_model = r.median_ms / total;
  }
  return out;
}

interface RunnerSpec {
  runtime: ModelResult['runtime'];
  backend: ModelResult['backend'];
  make(): Promise<ModelRunner>;
}

async function benchModels(model: ModelResult['model'], batches: number[], specs: RunnerSpec[], s: Settings, flopsPerFace: number,
  roofs: { gpu: RooflineReport | null; wasm: number | null }, progress: (f: number, m: string) => void): Promise<ModelResult[]> {
  const runners: (ModelRunner | string)[] = [];
  for (const sp of specs) {
    progress(0, `loading ${sp.runtime} ${sp.backend}`);
    try {
      runners.push(await sp.make());
    } catch (e) {
      runners.push(`could not load: ${errText(e)}`);
    }
  }
  const ref = runners[0];
  if (typeof ref === 'string') throw new Error(`${specs[0].runtime} ${specs[0].backend} ${ref}`);
  const results: ModelResult[] = [];
  for (const [bi, batch] of batches.entries()) {
    const at = (x: number) => (bi + x) / batches.length;
    await ref.logits(batch); // warm-up of the reference at this batch
    const want = await ref.logits(batch);
    const cells = specs.map((sp, i) => ({ sp, r: runners[i], diff: null as number | null, est: 0, times: [] as number[], error: '' }));
    for (const c of cells) {
      if (typeof c.r === 'string') { c.error = c.r; continue; }
      progress(at(0), `batch ${batch}: warm-up and correctness check of ${c.sp.runtime} ${c.sp.backend}`);
      try {
        // Warm-up (shader compiles, JIT, first allocations): its logits are the first correctness
        // check and its time, an over-estimate, sizes the sample count.
        await c.r.prepare?.();
        const t = performance.now();
        const got = await c.r.logits(batch);
        c.est = performance.now() - t;
        c.diff = maxAbsDiff(got, want);
        if (!(c.diff <= TOLERANCE)) c.error = `logits differ from emolens by ${c.diff.toExponential(2)} (> ${TOLERANCE}): not timed`;
      } catch (e) {
        c.error = `failed: ${errText(e)}`;
      }
    }
    const live = cells.filter((c) => !c.error);
    const plan = roundRobin(live.map((c) => samplesFor(c.est, s.modelBudgetMs, s.modelSamples[0], s.modelSamples[1])));
    for (const [ri, round] of plan.entries()) {
      progress(at(ri / plan.length), `batch ${batch}: round ${ri + 1}/${plan.length}`);
      for (const i of round) {
        const c = live[i];
        await (c.r as ModelRunner).prepare?.();
        const t = performance.now();
        const got = await (c.r as ModelRunner).logits(batch);
        c.times.push(performance.now() - t);
        // Every timed answer is checked too (outside the timed span).
        c.diff = Math.max(c.diff ?? 0, maxAbsDiff(got, want));
      }
    }
    for (const c of cells) {
      if (!c.error && c.diff !== null && !(c.diff <= TOLERANCE)) c.error = `logits of a timed call differ from emolens by ${c.diff.toExponential(2)}: timing void`;
      const t = summarize(c.times);
      const ok = !c.error && t.n > 0;
      const gflops = ok ? (flopsPerFace * batch) / (t.median * 1e6) : null;
      const peak = c.sp.backend === 'wasm' ? roofs.wasm : roofs.gpu?.fma_gflops ?? null;
      results.push({
        runtime: c.sp.runtime, backend: c.sp.backend, model, batch,
        median_ms: ok ? t.median : null, min_ms: ok ? t.min : null, max_ms: ok ? t.max : null, samples: t.n,
        per_face_ms: ok ? t.median / batch : null, faces_per_s: ok ? (1000 * batch) / t.median : null,
        gflops, roofline_fraction: gflops !== null && peak ? gflops / peak : null,
        max_abs_diff_vs_emolens: c.diff, correct: c.diff !== null && c.diff <= TOLERANCE,
        ...(c.error ? { error: c.error } : {}),
      });
    }
  }
  for (const r of runners) if (typeof r !== 'string') await r.dispose();
  return results;
}

/**
 * Runs the benchmark. `baseUrl` is the app's folder (dist/ when served): weights/ and bench/vendor/ are in it.
 * Throws only when emolens itself cannot run; peers that fail get a result row with `error`.
 */
export async function runBench(o: BenchOptions, baseUrl: string, onProgress: (p: BenchProgress) => void = () => undefined): Promise<BenchReport> {
  const t0 = performance.now();
  const s = settings(o);
  const report = (fraction: number, message: string) => onProgress({ fraction, message });
  const vendor = new URL('bench/vendor/', baseUrl).href;
  const notes: string[] = [];
  const threads = o.threads ?? 1;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`bench: threads = ${threads} must be a positive integer`);
  // emolens wasm gets the same threads as the peers: its heaps' worker pools (kernel.worker.js in the app's folder).
  setWasmThreads(threads);
  setKernelWorkerUrl(new URL('kernel.worker.js', baseUrl));
  const noThreads = threads > 1 ? isolationMissing() : null;
  if (noThreads) throw new Error(`bench: --threads ${threads} needs SharedArrayBuffer, but ${noThreads}`);

  report(0, 'opening the WebGPU adapter');
  const dev = await openDevice();
  if ('why' in dev) throw new Error(`bench: ${dev.why}`);
  const { device, info } = dev;
  const timer = new GpuTimer(device);
  try {
    report(0.01, 'loading weights/emotion.{json,safetensors,onnx}');
    const { weights: f } = await fetchModel(new URL('weights/', baseUrl).href, 'emotion');
    const flopsPerFace = modelFlops(f);

    let roof: RooflineReport | null = null;
    if (o.roofline ?? true) {
      report(0.03, 'roofline: FMA chains and copy bandwidth');
      roof = await measureRoofline(device, timer, s.roof);
    }

    let wasmRoof: WasmRooflineReport | null = null;
    if (o.roofline ?? true) {
      report(0.07, 'wasm roofline: f32x4 mul + add chains on one core');
      wasmRoof = await measureWasmRoofline();
    }
    const roofs = { gpu: roof, wasm: wasmRoof ? wasmRoof.fma_gflops * threads : null };

    let kernels: KernelResult[] = [];
    if (o.kernels ?? true) {
      const layers = modelLayers(f);
      const cases: KernelCase[] = s.kernelBatches.flatMap((n) => [...layers.map((d) => layerCase(d, n, true)), passCase(layers, flopsPerFace, n)]);
      if (s.extraKernels) {
        for (const n of s.kernelBatches) cases.push(...separableLayers(f).map((d) => layerCase(d, n, false)));
        cases.push(...LARGE_LAYERS.map((d) => layerCase(d, 1, false)));
      }
      if (o.prototypes) {
        // Each prototype right after the shipped kernel of its layer and batch: paired samples, so
        // load from other jobs on the machine hits both sides of a comparison alike.
        for (const n of s.kernelBatches) {
          for (const p of PROTOTYPE_CASES(f, n)) {
            const at = cases.findIndex((c) => c.inModel && c.layer === p.layer && c.batch === n);
            let end = at + 1;
            while (end < cases.length && cases[end].kernel.startsWith('proto ') && cases[end].layer === p.layer) end++;
            cases.splice(at < 0 ? cases.length : end, 0, p);
          }
          const pass = cases.findIndex((c) => c.kernel === 'whole pass' && c.batch === n);
          cases.splice(pass + 1, 0, { ...protoPassCase(f, n), flops: flopsPerFace * n });
        }
      }
      if (o.prototypes) s.kernelSamples = Math.max(s.kernelSamples, 15);
      kernels = await benchKernels(device, timer, cases, s, roof, (x, m) => report(0.08 + 0.22 * x, m));
    }

    const input = benchInput(f, Math.max(...s.batches));
    let onnx: ArrayBuffer | null = null;
    const specs: RunnerSpec[] = [
      { runtime: 'emolens', backend: 'webgpu', make: () => emolensRunner(f, input, device) },
      { runtime: 'emolens', backend: 'wasm', make: () => emolensRunner(f, input, undefined, 'wasm') },
      { runtime: 'emolens', backend: 'cpu', make: () => emolensRunner(f, input, undefined, 'cpu') },
    ];
    if (o.peers ?? true) {
      const model = async () => {
        if (!onnx) {
          const res = await fetch(new URL('weights/emotion.onnx', baseUrl));
          if (!res.ok) throw new Error(`weights/emotion.onnx: ${res.status}`);
          onnx = await res.arrayBuffer();
        }
        return onnx;
      };
      specs.push(
        { runtime: 'onnxruntime-web', backend: 'webgpu', make: async () => ortRunner('webgpu', await model(), input, `${vendor}ort/`) },
        { runtime: 'onnxruntime-web', backend: 'wasm', make: async () => ortRunner('wasm', await model(), input, `${vendor}ort/`, threads) },
        { runtime: 'tfjs', backend: 'webgpu', make: () => tfjsRunner('webgpu', f, input, `${vendor}tfjs/`) },
        { runtime: 'tfjs', backend: 'wasm', make: () => tfjsRunner('wasm', f, input, `${vendor}tfjs/`, threads) },
        { runtime: 'tfjs', backend: 'cpu', make: () => tfjsRunner('cpu', f, input, `${vendor}tfjs/`) },
      );
      notes.push(
        'Each call is timed end to end: input upload, forward pass, logits back in JavaScript.',
        'emolens takes 0..255 pixels and normalises inside its first conv; the peers get the normalised input for free.',
        `wasm runtimes run on ${threads} thread${threads > 1 ? 's' : ''} each (emolens wasm: our AssemblyScript SIMD kernels; ORT wasm and TF.js wasm use SIMD; page cross-origin isolated: ${isolated}); emolens cpu is the plain TypeScript reference.`,
        'TF.js runs the same graph from our BN-folded weights with tfjs-core ops (fused conv2d + bias + ReLU, depthwiseConv2d, maxPool pad 1).',
      );
    }
    // --wasm-only: emolens wasm (checked against webgpu in the unit tests) is the peers' reference.
    const wasmOnly = (sp: RunnerSpec[]) => (o.wasmOnly ? sp.filter((x) => x.backend === 'wasm') : sp);
    if (o.wasmOnly) notes.push('--wasm-only: wasm rows only; max_abs_diff_vs_emolens is against emolens wasm.');
    const results = await benchModels('emotion', s.batches, wasmOnly(specs), s, flopsPerFace, roofs, (x, m) => report(0.3 + 0.6 * x, m));
    if (o.detector ?? true) {
      report(0.86, 'yunet: weights/yunet.* and bench/yunet.onnx');
      const ym = await loadYunetForBench(baseUrl);
      const yin = yunetInput();
      const ys: RunnerSpec[] = [
        { runtime: 'emolens', backend: 'webgpu', make: () => emolensYunetRunner(ym, yin, device) },
        { runtime: 'emolens', backend: 'wasm', make: () => emolensYunetRunner(ym, yin, undefined, 'wasm') },
      ];
      if (o.peers ?? true) {
        ys.push({
          runtime: 'onnxruntime-web', backend: 'wasm', make: async () => {
            const res = await fetch(new URL('bench/yunet.onnx', baseUrl));
            if (!res.ok) throw new Error(`bench/yunet.onnx: HTTP ${res.status} (npm run bench copies it from the data folder's models/face_detection_yunet_2023mar.onnx)`);
            return ortYunetRunner(await res.arrayBuffer(), yin, ym.spec.strides, `${vendor}ort/`, threads);
          },
        });
        notes.push('yunet: one 640x480 frame (smooth synthetic B, G, R), packed heads compared; onnxruntime-web runs face_detection_yunet_2023mar.onnx (H, W symbolic) and its 12 outputs are packed as ours inside the timed call. TF.js has no YuNet graph here.');
      }
      results.push(...await benchModels('yunet', [1], wasmOnly(ys), s, yunetFlops(ym), roofs, (x, m) => report(0.86 + 0.04 * x, `yunet: ${m}`)));
    }
    if (o.saliency ?? true) {
      // Guided backprop (forward + backward, ~3x the forward FLOPs; FLOP columns use the forward's).
      // No peer has it: webgpu is checked against the CPU plan instead.
      const batches = s.batches.filter((b) => b <= 8);
      const sal: RunnerSpec[] = [
        { runtime: 'emolens', backend: 'webgpu', make: () => emolensSaliencyRunner(f, input, device) },
        { runtime: 'emolens', backend: 'wasm', make: () => emolensSaliencyRunner(f, input, undefined, 'wasm') },
        { runtime: 'emolens', backend: 'cpu', make: () => emolensSaliencyRunner(f, input, undefined, 'cpu') },
      ];
      results.push(...await benchModels('saliency', batches, wasmOnly(sal), s, flopsPerFace, roofs, (x, m) => report(0.9 + 0.1 * x, `saliency: ${m}`)));
    }
    // Every wasm row carries its thread count, so runs with different --threads can be merged and still told apart.
    for (const r of results) if (r.backend === 'wasm') r.threads = threads;
    report(1, 'done');
    return {
      adapter: info,
      results,
      kernels,
      roofline: roof,
      wasm_roofline: wasmRoof,
      meta: {
        user_agent: navigator.userAgent,
        date: new Date().toISOString(),
        quick: o.quick ?? false,
        kernel_timing: timer.method,
        model_flops_per_face: flopsPerFace,
        threads,
        cross_origin_isolated: isolated,
        tolerance: TOLERANCE,
        versions: { 'onnxruntime-web': ortVersion(), tfjs: tfjsVersion() },
        notes,
        wall_s: (performance.now() - t0) / 1000,
      },
    };
  } finally {
    timer.destroy();
    device.destroy();
  }
}
