// Which CPU path a model takes when it has no WebGPU device: our WebAssembly SIMD kernels ('wasm',
// the default) or the TypeScript reference loops ('cpu': the tests' oracle, and the fallback where
// WebAssembly SIMD is missing).
import { wasmUnavailable } from '../kernels/wasm/module.js';

/** Where a model runs: WebGPU, our WebAssembly SIMD kernels, or the TypeScript reference loops. */
export type ModelBackend = 'webgpu' | 'wasm' | 'cpu';

/** The CPU path a device-less model takes: `asked` ('wasm' by default) unless WebAssembly SIMD is missing. */
export function cpuPath(asked: 'wasm' | 'cpu' = 'wasm'): 'wasm' | 'cpu' {
  return asked === 'wasm' && wasmUnavailable() === null ? 'wasm' : 'cpu';
}
