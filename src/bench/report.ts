// The benchmark report: what `npm run bench -- --json` prints and the bench view's "Export JSON"
// saves. Field names are snake_case where the issue fixed them (results[]), so the JSON can be
// compared across runs and machines without a mapping table.

import type { WasmRooflineReport } from './wasm-roofline.js';

export type Runtime = 'emolens' | 'onnxruntime-web' | 'tfjs';
export type BenchBackend = 'webgpu' | 'wasm' | 'cpu';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  isFallbackAdapter: boolean;
  features: string[];
}

/** One runtime/backend/model/batch cell, timed end to end: input upload, forward pass, logits back on the CPU. */
export interface ModelResult {
  runtime: Runtime;
  backend: BenchBackend;
  model: 'emotion' | 'saliency' | 'yunet';
  batch: number;
  /** Milliseconds per call (the whole batch); null when the runner failed or its logits were wrong. */
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  samples: number;
  per_face_ms: number | null;
  faces_per_s: number | null;
  /** Model FLOPs (training/model.py count_flops x batch) / median time. */
  gflops: number | null;
  /** gflops / the measured peak: the adapter's FMA roof for webgpu and cpu rows, one core's wasm SIMD roof x threads for wasm rows. */
  roofline_fraction: number | null;
  /** Max |logit - emolens webgpu logit| over the batch (0 for the reference itself); saliency rows: max |map - webgpu map|. */
  max_abs_diff_vs_emolens: number | null;
  /** True when the correctness check ran and the diff is within `tolerance`. */
  correct: boolean;
  /** Why the cell has no timing (load failure, wrong logits), when it has none. */
  error?: string;
  /** wasm rows: the threads the runtime was given (--threads). */
  threads?: number;
}

/** One kernel dispatch alone on one shape. */
export interface KernelResult {
  kernel: string;
  /** Layer in the model ('block2.pw1'), or 'large' for the extra shapes. */
  layer: string;
  shape: string;
  batch: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  samples: number;
  /** Dispatches per sample (the time is per dispatch). */
  dispatches: number;
  /** Useful FLOPs of the dispatch (multiply-adds x2, no padding lanes). */
  flops: number;
  /** Minimum traffic: inputs, weights and outputs each touched once. */
  bytes: number;
  gflops: number;
  gbps: number;
  /** gflops / min(FMA peak, arithmetic intensity x copy bandwidth). */
  roofline_fraction: number;
  /** Share of the model pass at this batch (model-shape kernels only). */
  share_of_model?: number;
}

export interface RooflineReport {
  /** FMA throughput of a vec4 FMA-chain kernel, GFLOP/s (2 FLOPs per FMA lane). */
  fma_gflops: number;
  fma_samples: number;
  /** copyBufferToBuffer bandwidth, GB/s (bytes read + written). */
  copy_gbps: number;
  /** The better of two vec4 copy kernels (1 and 8 vec4s per invocation), GB/s (bytes read + written). */
  copy_kernel_gbps: number;
  /** The larger of the two copy numbers: the memory roof. */
  bandwidth_gbps: number;
  /** FLOP/byte where the two roofs meet. */
  ridge_flop_per_byte: number;
}

export interface BenchMeta {
  user_agent: string;
  date: string;
  quick: boolean;
  /** 'timestamp-query' or 'submit→onSubmittedWorkDone' for kernels; models are always wall time. */
  kernel_timing: string;
  model_flops_per_face: number;
  tolerance: number;
  versions: Record<string, string>;
  /** Notes on fairness (threads, input preprocessing) shown under the table. */
  notes: string[];
  wall_s: number;
  /** Threads every wasm runtime was given (emolens wasm, onnxruntime-web wasm, TF.js wasm), and whether the page was cross-origin isolated. */
  threads?: number;
  cross_origin_isolated?: boolean;
  /** The host's 1-minute load average before and after the run (set by `npm run bench`, not in the app). */
  host_load_avg?: number[];
}

export interface BenchReport {
  adapter: AdapterReport | null;
  results: ModelResult[];
  kernels: KernelResult[];
  roofline: RooflineReport | null;
  /** One core's WebAssembly SIMD peak (f32x4 mul + add chains): the yardstick of the wasm rows' roofline_fraction. */
  wasm_roofline?: WasmRooflineReport | null;
  meta: BenchMeta;
}

export interface BenchOptions {
  quick?: boolean;
  /** Batches of the whole-model runs; default [1, 8, 32] ([1] quick). */
  batches?: number[];
  /** Skip parts (tests, the view's checkboxes). */
  kernels?: boolean;
  roofline?: boolean;
  peers?: boolean;
  /** Time the YuNet detector on a 640x480 frame too (default true). */
  detector?: boolean;
  /** Only the wasm runtimes (emolens wasm first, the reference for the others' outputs): the thread comparisons without minutes of software-adapter rows. */
  wasmOnly?: boolean;
  /** Time emolens' guided-backprop saliency too (batches ≤ 8; default true). */
  saliency?: boolean;
  /** Also time the kernel prototypes of src/bench/proto/ (the analysis in docs/benchmarks.md). */
  prototypes?: boolean;
  /** Threads for every wasm runtime alike (default 1; more need a cross-origin isolated page). */
  threads?: number;
  /** The app's folder (holding weights/ and bench/vendor/); default: the bench worker's '../' (dist/). */
  baseUrl?: string;
}

export interface BenchProgress {
  /** 0..1, rough. */
  fraction: number;
  message: string;
}
