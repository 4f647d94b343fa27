// Compiling the WebAssembly kernels once per realm, and the feature checks that decide whether the
// wasm backend (SIMD) and its worker pool (shared memory) can run here.
import singleBytes from 'emolens:kernels.wasm';
import sharedBytes from 'emolens:kernels-mt.wasm';

/** 'single': plain imported memory; 'shared': shared imported memory (the thread pool's). */
export type KernelVariant = 'single' | 'shared';

const modules = new Map<KernelVariant, Promise<WebAssembly.Module>>();

export function kernelModule(variant: KernelVariant = 'single'): Promise<WebAssembly.Module> {
  let m = modules.get(variant);
  if (!m) {
    const bytes = variant === 'shared' ? sharedBytes : singleBytes;
    m = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    modules.set(variant, m);
  }
  return m;
}

/** Size in bytes of a compiled kernel binary (the install-size report). */
export function kernelBytes(variant: KernelVariant): number {
  return (variant === 'shared' ? sharedBytes : singleBytes).byteLength;
}

// (module (func (result v128) (v128.const i32x4 0 0 0 0))): valid only where WebAssembly SIMD is.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** Why the wasm backend cannot run here, or null when it can (WebAssembly with SIMD). */
export function wasmUnavailable(): string | null {
  if (typeof WebAssembly !== 'object') return 'WebAssembly is not available';
  try {
    return WebAssembly.validate(SIMD_PROBE) ? null : 'WebAssembly SIMD is not supported';
  } catch {
    return 'WebAssembly SIMD is not supported';
  }
}

/** True when this realm may share memory with workers (cross-origin isolated, SharedArrayBuffer present). */
export function threadsAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}
