// The SIMD peak of one CPU core as WebAssembly sees it: the best of a few timed runs of the
// kernels' FMA chains (src/kernels/wasm/assembly/roofline.ts), so the wasm rows can state what
// fraction of it they reach, as the WebGPU rows do of the adapter's FMA roof.
import { HeapLayout } from '../kernels/wasm/heap.js';

export interface WasmRooflineReport {
  /** GFLOP/s of f32x4 multiply + add chains on one thread (2 FLOPs per lane per mul-add). */
  fma_gflops: number;
  samples: number;
}

const FLOPS_PER_ITER = 96;

export async function measureWasmRoofline(samples = 5, targetMs = 40): Promise<WasmRooflineReport> {
  const heap = await new HeapLayout().build();
  let iters = 1 << 16;
  // Grow the run until it lasts about targetMs (timer resolution in a worker can be 0.1 ms or coarser).
  for (;;) {
    const t = performance.now();
    heap.k.fmaChains(iters);
    const ms = performance.now() - t;
    if (ms >= targetMs / 4 || iters >= 1 << 30) {
      iters = Math.min(1 << 30, Math.ceil((iters * targetMs) / Math.max(ms, 0.01)));
      break;
    }
    iters *= 4;
  }
  let best = Infinity;
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    heap.k.fmaChains(iters);
    best = Math.min(best, performance.now() - t);
  }
  return { fma_gflops: (iters * FLOPS_PER_ITER) / (best * 1e6), samples };
}
