// onnxruntime-web on weights/emotion.onnx (input NCHW 'input', output 'logits'), WebGPU EP or wasm
// EP. The .wasm is served from our own origin (dist/vendor/ort/, copied from node_modules at build):
// the page never fetches anything remote. One thread, as for every CPU runtime here (and a page
// without cross-origin isolation gets no SharedArrayBuffer for more).
import * as ort from 'onnxruntime-web';
import type { BenchInput, ModelRunner } from './runner.js';

let configured = false;

/** Once per worker: our own .wasm, log level, threads (the first caller's count wins). */
export function configure(vendorUrl: string, threads: number): void {
  if (configured) return;
  configured = true;
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  // Only the .wasm is overridden: the bundle's embedded glue module stays in use.
  ort.env.wasm.wasmPaths = { wasm: new URL('ort-wasm-simd-threaded.jsep.wasm', vendorUrl).href };
  ort.env.webgpu.powerPreference = 'high-performance';
}

export function ortVersion(): string {
  return ort.env.versions?.web ?? 'unknown';
}

export async function ortRunner(backend: 'webgpu' | 'wasm', onnx: ArrayBuffer, input: BenchInput, vendorUrl: string, threads = 1): Promise<ModelRunner> {
  configure(vendorUrl, threads);
  const session = await ort.InferenceSession.create(new Uint8Array(onnx), {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
  const inName = session.inputNames.includes('input') ? 'input' : session.inputNames[0];
  const outName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
  const s = input.size;
  return {
    runtime: 'onnxruntime-web',
    backend,
    async logits(n) {
      const x = new ort.Tensor('float32', input.normalized.subarray(0, n * s * s), [n, 1, s, s]);
      const out = await session.run({ [inName]: x });
      const y = out[outName];
      const data = (await y.getData()) as Float32Array;
      const copy = new Float32Array(data);
      y.dispose();
      return copy;
    },
    dispose: () => session.release(),
  };
}
