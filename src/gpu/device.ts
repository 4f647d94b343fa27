// Adapter and device for inference: the adapter's storage limits (activations of a large batch
// exceed the 128 MiB default binding size), and a reason string instead of a throw when WebGPU is
// missing, so callers can fall back to the CPU plan and say why.

export type DeviceResult = { device: GPUDevice; reason: string } | { device: null; reason: string };

export async function requestGpuDevice(label = 'emolens'): Promise<DeviceResult> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { device: null, reason: 'WebGPU is not available (navigator.gpu missing)' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { device: null, reason: 'no WebGPU adapter' };
  try {
    const device = await adapter.requestDevice({
      label,
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    const info = adapter.info;
    return { device, reason: `WebGPU on ${info.vendor || 'unknown vendor'} ${info.architecture || info.device || ''}`.trim() };
  } catch (e) {
    return { device: null, reason: `requestDevice failed: ${(e as Error).message}` };
  }
}
