// One cache of shader modules and compute pipelines per device: a lost or destroyed device takes its
// pipelines with it (WeakMap), and layers that differ only in their uniforms share one pipeline.

export interface ComputeDesc {
  /** `Class.member`, used as the label of the pipeline and its module. */
  label: string;
  code: string;
  entryPoint: string;
  /** Override constants: everything that changes the compiled code. Run-time data goes in uniforms. */
  constants: Record<string, number>;
}

interface DeviceCache {
  modules: Map<string, { module: GPUShaderModule; id: number }>;
  pipelines: Map<string, Promise<GPUComputePipeline>>;
}

const caches = new WeakMap<GPUDevice, DeviceCache>();

function cacheOf(device: GPUDevice): DeviceCache {
  let c = caches.get(device);
  if (!c) caches.set(device, (c = { modules: new Map(), pipelines: new Map() }));
  return c;
}

/** The pipeline for `desc`, compiled once per device with createComputePipelineAsync. */
export function computePipeline(device: GPUDevice, desc: ComputeDesc): Promise<GPUComputePipeline> {
  const cache = cacheOf(device);
  let mod = cache.modules.get(desc.code);
  if (!mod) {
    mod = { module: device.createShaderModule({ label: desc.label, code: desc.code }), id: cache.modules.size };
    cache.modules.set(desc.code, mod);
  }
  const consts = Object.keys(desc.constants).sort().map((k) => `${k}=${desc.constants[k]}`).join(':');
  const key = `${mod.id}:${desc.entryPoint}:${consts}`;
  let p = cache.pipelines.get(key);
  if (!p) {
    const module = mod.module;
    p = device.createComputePipelineAsync({
      label: desc.label,
      layout: 'auto',
      compute: { module, entryPoint: desc.entryPoint, constants: desc.constants },
    }).catch(async (e: unknown) => {
      // The pipeline error only says the module is invalid; the WGSL messages say why.
      const info = await module.getCompilationInfo();
      const msgs = info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
      throw new Error(`${desc.label} (${desc.entryPoint}): ${(e as Error).message}${msgs ? `\n${msgs}` : ''}`);
    });
    cache.pipelines.set(key, p);
  }
  return p;
}

/** Number of pipelines compiled for `device` so far (tests check that layers share them). */
export function pipelineCount(device: GPUDevice): number {
  return caches.get(device)?.pipelines.size ?? 0;
}
