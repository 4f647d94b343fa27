// The SIMD peak of one CPU core as WebAssembly sees it: the best of a few timed runs of the
// kernels' FMA chains (src/kernels/wasm/assembly/roofline.ts), so the wasm rows can state what
// fraction of it they reach, as the WebGPU rows do of the adapter's FMA roof. Measured on the build
// the app runs (relaxed-simd fused multiply-add where it validates) and on plain SIMD128.
import { HeapLayout, type WasmHeap } from '../kernels/wasm/heap.js';
import { fmaAvailable } from '../kernels/wasm/module.js';

export interface WasmRooflineReport {
  /** GFLOP/s of f32x4 multiply-add chains on one thread, on the build the app runs (2 FLOPs per lane per multiply-add). */
  fma_gflops: number;
  /** True when that build is the relaxed-simd one (fused multiply-add). */
  fused: boolean;
  /** The same chains as a multiply and an add (plain SIMD128). */
  simd128_gflops: number;
  samples: number;
}

const FLOPS_PER_ITER = 96;

function peak(heap: WasmHeap, samples: number, targetMs: number): number {
  let iters = 1 << 14;
  // Grow the run until it lasts about targetMs; the early short calls also move the function onto
  // the engine's optimising tier (a long first call would run on the baseline compiler throughout).
  for (;;) {
    const t = performance.now();
    heap.k.fmaChains(iters);
    const ms = performance.now() - t;
    if (ms >= targetMs / 4 || iters >= 1 << 30) {
      iters = Math.min(1 << 30, Math.ceil((iters * targetMs) / Math.max(ms, 0.01)));
      break;
    }
    iters *= 2;
  }
  // On a loaded machine the calibration call can be descheduled and size the run far too short for
  // the timer (100 µs steps without cross-origin isolation): lengthen it until the best sample lasts.
  let best = Infinity;
  for (let round = 0; round < 8; round++) {
    best = Infinity;
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      heap.k.fmaChains(iters);
      best = Math.min(best, performance.now() - t);
    }
    if (best >= targetMs / 4 || iters >= 1 << 30) break;
    iters = Math.min(1 << 30, iters * 4);
  }
  return (iters * FLOPS_PER_ITER) / (best * 1e6);
}

export async function measureWasmRoofline(samples = 5, targetMs = 40): Promise<WasmRooflineReport> {
  const [app, plain] = await Promise.all([new HeapLayout().build({ threads: 1, fma: true }), new HeapLayout().build({ threads: 1, fma: false })]);
  return { fma_gflops: peak(app, samples, targetMs), fused: fmaAvailable(), simd128_gflops: peak(plain, samples, targetMs), samples };
}
