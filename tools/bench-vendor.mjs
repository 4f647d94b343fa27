// The benchmark's third-party runtime files, served from our own origin (the app never fetches
// anything remote): copied from node_modules into dist/bench/vendor/ at build. The bench bundles
// themselves are dist/bench/bench.js and dist/bench/bench.worker.js (esbuild entry points).
import { cp, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** [node_modules path, dist/bench/vendor/ path]. ORT: the JSEP build (WebGPU + wasm EPs); TF.js: all three wasm flavours. */
export const BENCH_VENDOR = [
  ['onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm', 'ort/ort-wasm-simd-threaded.jsep.wasm'],
  ['@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm', 'tfjs/tfjs-backend-wasm.wasm'],
  ['@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm', 'tfjs/tfjs-backend-wasm-simd.wasm'],
  ['@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm', 'tfjs/tfjs-backend-wasm-threaded-simd.wasm'],
];

/** Copies the vendor files into <outdir>/bench/vendor/ (skipping ones already there with the same size and date). */
export async function copyBenchVendor(outdir) {
  for (const [from, to] of BENCH_VENDOR) {
    const src = join(root, 'node_modules', from);
    const dst = join(outdir, 'bench', 'vendor', to);
    const [a, b] = await Promise.all([stat(src), stat(dst).catch(() => null)]);
    if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) continue;
    await mkdir(dirname(dst), { recursive: true });
    await cp(src, dst, { preserveTimestamps: true });
  }
}
