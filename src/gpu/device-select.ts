// Asking the browser for WebGPU, for the worker's backend choice: either a device (and whether
// its adapter is a software fallback such as SwiftShader) or a sentence saying why there is none.

export type GpuProbe =
  | { ok: true; adapter: GPUAdapter; device: GPUDevice; name: string; fallback: boolean }
  | { ok: false; why: string };

/** 'google swiftshader', 'nvidia ampere': what the adapter says it is, for the user. */
export function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ');
  return name || 'unnamed adapter';
}

/** True for a software adapter (SwiftShader and the like). */
export function isFallback(adapter: GPUAdapter): boolean {
  // Chromium ≥ 130 reports it in adapter.info; older builds had it on the adapter itself.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return Boolean(info.isFallbackAdapter ?? legacy);
}

/**
 * Requests an adapter and a device with the adapter's own storage limits (the model's largest
 * activation buffer at batch 64 is above the 128 MiB default on some adapters).
 */
export async function requestGpu(powerPreference: GPUPowerPreference = 'high-performance'): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { ok: false, why: 'this browser has no navigator.gpu (WebGPU is off, unsupported, or the page is not a secure context)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference });
  } catch (e) {
    return { ok: false, why: `requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) return { ok: false, why: 'the browser offers no WebGPU adapter (GPU blocklisted or drivers missing)' };
  const l = adapter.limits;
  try {
    const device = await adapter.requestDevice({
      label: 'emolens.device',
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      },
    });
    return { ok: true, adapter, device, name: adapterName(adapter), fallback: isFallback(adapter) };
  } catch (e) {
    return { ok: false, why: `requestDevice() failed on ${adapterName(adapter)}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
