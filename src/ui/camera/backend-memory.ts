// The camera pipeline's measured backend choice, remembered on this device (issue 14): on a software
// WebGPU adapter the worker times WebGPU against the CPU at load; the choice is kept in localStorage
// keyed by the adapter's name and reused at the next load, so the choice no longer flips between
// loads and the page starts faster. It is measured again when the app (its build) or the adapter
// changes: a record from another build is ignored.
import type { Backend, PipelineInfo } from '../../worker/api';

declare const __EMOLENS_VERSION__: string | undefined;

/** This build (set by esbuild.config.mjs from package.json and the sources); 'dev' when unbundled. */
export const APP_VERSION: string = typeof __EMOLENS_VERSION__ === 'string' ? __EMOLENS_VERSION__ : 'dev';

export const BACKENDS_KEY = 'emolens.backends';

interface Stored {
  version: string;
  detector: Backend;
  emotion: Backend;
}

function read(): Record<string, Stored> {
  try {
    const v = JSON.parse(localStorage.getItem(BACKENDS_KEY) ?? '{}') as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Stored>) : {};
  } catch {
    return {};
  }
}

const BACKEND = new Set(['webgpu', 'wasm', 'cpu']);

/** Choices this build measured, by adapter name: what loadPipeline may reuse. */
export function rememberedChoices(version = APP_VERSION): Record<string, { detector: Backend; emotion: Backend }> {
  const out: Record<string, { detector: Backend; emotion: Backend }> = {};
  for (const [adapter, s] of Object.entries(read())) {
    if (s?.version === version && BACKEND.has(s.detector) && BACKEND.has(s.emotion)) out[adapter] = { detector: s.detector, emotion: s.emotion };
  }
  return out;
}

/** After a load: keeps a freshly measured choice for its adapter (nothing else is stored). */
export function rememberChoice(info: PipelineInfo, version = APP_VERSION): void {
  if (info.choice !== 'measured' || !info.adapter) return;
  const all = read();
  all[info.adapter] = { version, detector: info.stages.detector, emotion: info.stages.emotion };
  try {
    localStorage.setItem(BACKENDS_KEY, JSON.stringify(all));
  } catch {
    // storage full or off: the next load measures again
  }
}
