// Compiling the WebAssembly kernels once per realm, and the feature checks that decide whether the
// wasm backend (SIMD) and its fused multiply-add build (relaxed-simd) can run here.
import plainBytes from 'emolens:kernels.wasm';
import fmaBytes from 'emolens:kernels-fma.wasm';
import mtBytes from 'emolens:kernels-mt.wasm';
import mtFmaBytes from 'emolens:kernels-mt-fma.wasm';
import { isolationMissing } from './thread-count.js';

/**
 * 'single': plain imported memory, one thread. 'shared': the same kernels on a shared imported
 * memory, for the worker pool (threads.ts); needs a cross-origin isolated realm.
 */
export type KernelVariant = 'single' | 'shared';

const BYTES = { single: [plainBytes, fmaBytes], shared: [mtBytes, mtFmaBytes] } as const;

let fmaOk: boolean | undefined;
/** True where the relaxed-simd build validates (Chromium 114+); else the plain SIMD128 build runs. */
export function fmaAvailable(): boolean {
  if (fmaOk === undefined) {
    try {
      fmaOk = WebAssembly.validate(fmaBytes as Uint8Array<ArrayBuffer>);
    } catch {
      fmaOk = false;
    }
  }
  return fmaOk;
}

/** The binary a variant runs here: its fused multiply-add build when allowed and supported. */
export function kernelBinary(variant: KernelVariant, fma = true): Uint8Array {
  return BYTES[variant][fma && fmaAvailable() ? 1 : 0];
}

/**
 * Why a worker pool on shared wasm memory cannot run here, or null when it can: it needs
 * SharedArrayBuffer, which browsers give only to cross-origin isolated pages (COOP + COEP headers,
 * tools/serve.mjs and src/sw/isolation.ts).
 */
export function threadsUnavailable(): string | null {
  const missing = wasmUnavailable() ?? isolationMissing();
  if (missing) return missing;
  if (typeof Worker !== 'function') return 'workers are not available here';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'shared WebAssembly memory is not supported';
  }
  return null;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

export function kernelModule(variant: KernelVariant = 'single', fma = true): Promise<WebAssembly.Module> {
  const bytes = kernelBinary(variant, fma);
  const key = `${variant} ${bytes === fmaBytes || bytes === mtFmaBytes}`;
  let m = modules.get(key);
  if (!m) {
    m = WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    modules.set(key, m);
  }
  return m;
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
