// GPU time of a group of dispatches: timestamp queries around one compute pass when the device has
// 'timestamp-query', else the wall time from submit to onSubmittedWorkDone. Either way `reps` copies
// of the dispatch share one pass and one submit, so per-submit overhead is spread over them.

export type Encode = (pass: GPUComputePassEncoder) => void;

export class GpuTimer {
  readonly method: 'timestamp-query' | 'submit→onSubmittedWorkDone';
  private readonly querySet?: GPUQuerySet;
  private readonly resolve?: GPUBuffer;
  private readonly readback?: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    if (device.features.has('timestamp-query')) {
      this.method = 'timestamp-query';
      this.querySet = device.createQuerySet({ label: 'GpuTimer.querySet', type: 'timestamp', count: 2 });
      this.resolve = device.createBuffer({ label: 'GpuTimer.resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readback = device.createBuffer({ label: 'GpuTimer.readback', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    } else {
      this.method = 'submit→onSubmittedWorkDone';
    }
  }

  /** Milliseconds per dispatch of `encode`, recorded `reps` times into one pass. */
  async time(encode: Encode, reps: number): Promise<number> {
    const enc = this.device.createCommandEncoder({ label: 'GpuTimer.encoder' });
    const ts = this.querySet ? { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
    const pass = enc.beginComputePass({ label: 'GpuTimer.pass', timestampWrites: ts });
    for (let i = 0; i < reps; i++) encode(pass);
    pass.end();
    if (this.querySet && this.resolve && this.readback) {
      enc.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
      enc.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16);
      this.device.queue.submit([enc.finish()]);
      await this.readback.mapAsync(GPUMapMode.READ);
      const [t0, t1] = new BigInt64Array(this.readback.getMappedRange());
      this.readback.unmap();
      const ns = Number(t1 - t0);
      // Some adapters answer zeros (timestamps disabled or quantised away): fall through to wall time.
      if (ns > 0) return ns / 1e6 / reps;
    } else {
      // No timestamps: wall time from submit to onSubmittedWorkDone.
      const cmd = enc.finish();
      const t = performance.now();
      this.device.queue.submit([cmd]);
      await this.device.queue.onSubmittedWorkDone();
      return (performance.now() - t) / reps;
    }
    return this.wall(encode, reps);
  }

  private async wall(encode: Encode, reps: number): Promise<number> {
    const enc = this.device.createCommandEncoder({ label: 'GpuTimer.wallEncoder' });
    const pass = enc.beginComputePass({ label: 'GpuTimer.wallPass' });
    for (let i = 0; i < reps; i++) encode(pass);
    pass.end();
    const cmd = enc.finish();
    const t = performance.now();
    this.device.queue.submit([cmd]);
    await this.device.queue.onSubmittedWorkDone();
    return (performance.now() - t) / reps;
  }

  /** Milliseconds of a non-pass operation (a buffer copy), wall time around submit. */
  async timeCommands(record: (enc: GPUCommandEncoder) => void): Promise<number> {
    const enc = this.device.createCommandEncoder({ label: 'GpuTimer.copyEncoder' });
    record(enc);
    const cmd = enc.finish();
    const t = performance.now();
    this.device.queue.submit([cmd]);
    await this.device.queue.onSubmittedWorkDone();
    return performance.now() - t;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.readback?.destroy();
  }
}

/** Dispatches per sample so that one sample lasts about `targetMs` (at least 1, at most `max`). */
export function repsFor(msPerDispatch: number, targetMs: number, max = 256): number {
  if (!(msPerDispatch > 0)) return max;
  return Math.max(1, Math.min(max, Math.round(targetMs / msPerDispatch)));
}
