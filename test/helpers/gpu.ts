// withDevice: one GPUDevice per test, a validation error scope around the body, and no silent
// skip: a missing adapter fails the test (SwiftShader always provides one in CI).
export async function requestTestDevice(): Promise<GPUDevice> {
  if (!('gpu' in navigator)) throw new Error('navigator.gpu is missing: start Chromium with --enable-unsafe-webgpu on localhost');
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  return adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
    },
  });
}

export function withDevice(fn: (device: GPUDevice) => Promise<void>): () => Promise<void> {
  return async () => {
    const device = await requestTestDevice();
    device.pushErrorScope('validation');
    try {
      await fn(device);
      const err = await device.popErrorScope();
      if (err) throw new Error(`WebGPU validation error: ${err.message}`);
    } finally {
      device.destroy();
    }
  };
}

/** Max |a-b| over all elements, and a failure message naming the worst index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, what = 'tensor'): number {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= worst)) { worst = d; at = i; } // NaN-safe: NaN is never <= worst
  }
  if (!(worst <= atol)) {
    throw new Error(`${what}: max abs error ${worst} at [${at}] (got ${actual[at]}, want ${expected[at]}) exceeds ${atol}`);
  }
  return worst;
}

/** Seeded uniform random numbers (mulberry32) so failing shapes reproduce. */
export function randomArray(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/** Counts queue submissions and buffer maps on `device` while `run` goes. */
export async function counting<T>(device: GPUDevice, run: () => Promise<T>): Promise<{ value: T; submits: number; maps: number }> {
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  const mapAsync = GPUBuffer.prototype.mapAsync;
  let submits = 0, maps = 0;
  queue.submit = (b) => (submits++, submit(b));
  GPUBuffer.prototype.mapAsync = function (...a) {
    maps++;
    return mapAsync.apply(this, a);
  };
  try {
    return { value: await run(), submits, maps };
  } finally {
    queue.submit = submit;
    GPUBuffer.prototype.mapAsync = mapAsync;
  }
}
