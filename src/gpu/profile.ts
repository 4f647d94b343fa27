// Debug timing of a plan's dispatches, each alone: `reps` copies of one dispatch in one pass, one
// submit, onSubmittedWorkDone; three tries, the median kept. Wall-clock, so it includes submit
// overhead (no timestamp queries: SwiftShader has none). Used by the plans' profile() methods.

/** One dispatch to time: `encode` records it once into the pass. */
export interface TimedDispatch {
  name: string;
  encode(pass: GPUComputePassEncoder): void;
}

/** Median ms per dispatch of each entry, in order. `label` prefixes the encoder and pass labels. */
export async function profileDispatches(device: GPUDevice, label: string, dispatches: readonly TimedDispatch[], reps: number): Promise<{ name: string; ms: number }[]> {
  const res: { name: string; ms: number }[] = [];
  for (const d of dispatches) {
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const enc = device.createCommandEncoder({ label: `${label}.profileEncoder` });
      const pass = enc.beginComputePass({ label: `${label}.profilePass` });
      for (let i = 0; i < reps; i++) d.encode(pass);
      pass.end();
      const t = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      times.push((performance.now() - t) / reps);
    }
    times.sort((a, b) => a - b);
    res.push({ name: d.name, ms: times[1] });
  }
  return res;
}
