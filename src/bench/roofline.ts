// The roofline reference: the adapter's FMA throughput (vec4 FMA chains) and copy bandwidth
// (copyBufferToBuffer and a vec4 copy kernel), measured on the device the kernels run on.
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../gpu/buffers.js';
import { computePipeline } from '../gpu/pipeline-cache.js';
import type { GpuTimer } from './gpu-timer.js';
import type { RooflineReport } from './report.js';
import src from './roofline.wgsl';
import { summarize } from './stats.js';

const WG_SIZE = 64;

export interface RooflineOptions {
  /** Timed samples of each measurement. */
  samples: number;
  /** Milliseconds one FMA sample should last (sets the chain length). */
  targetMs: number;
  /** Bytes of each copy buffer. */
  copyBytes: number;
}

function params(device: GPUDevice, iters: number, count: number, row: number): GPUBuffer {
  return uniformBuffer(device, 'Roofline.params', packParams([
    iters, count, row, 0,
    { f: 0.9999 }, { f: 0.99991 }, { f: 0.99992 }, { f: 0.99993 },
    { f: 1e-4 }, { f: 2e-4 }, { f: 3e-4 }, { f: 4e-4 },
  ]));
}

/** GFLOP/s of one entry point: the best of the medians is the caller's business. */
async function peak(device: GPUDevice, timer: GpuTimer, entryPoint: string, o: RooflineOptions): Promise<{ gflops: number; n: number }> {
  const groups = 512;
  const invocations = groups * WG_SIZE;
  const pipeline = await computePipeline(device, { label: 'Roofline.peak', code: src, entryPoint, constants: { WG_SIZE } });
  const dst = storageBuffer(device, 'Roofline.dst', invocations * 16);
  const run = async (iters: number) => {
    const p = params(device, iters, 0, 0);
    const bg = bindBuffers(device, 'Roofline.peakBindGroup', pipeline, [null, dst, p]);
    const ms = await timer.time((pass) => { pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(groups); }, 1);
    p.destroy();
    return ms;
  };
  try {
    // Calibrate the chain length to the target duration, then time it.
    let iters = 32;
    let ms = await run(iters);
    for (let k = 0; k < 4 && ms < o.targetMs / 2; k++) {
      iters = Math.min(1 << 20, Math.ceil(iters * Math.max(2, o.targetMs / Math.max(ms, 0.05))));
      ms = await run(iters);
    }
    const flops = invocations * iters * 8 * 4 * 2;
    const times: number[] = [];
    for (let i = 0; i < o.samples; i++) times.push(await run(iters));
    return { gflops: flops / (summarize(times).median * 1e6), n: times.length };
  } finally {
    dst.destroy();
  }
}

export async function measureRoofline(device: GPUDevice, timer: GpuTimer, o: RooflineOptions): Promise<RooflineReport> {
  const mad = await peak(device, timer, 'madPeak', o);
  const fma = await peak(device, timer, 'fmaPeak', o);
  const best = mad.gflops >= fma.gflops ? mad : fma;

  const bytes = Math.floor(o.copyBytes / 16) * 16;
  const a = storageBuffer(device, 'Roofline.copyA', bytes);
  const b = storageBuffer(device, 'Roofline.copyB', bytes);
  try {
    const copies: number[] = [];
    await timer.timeCommands((enc) => enc.copyBufferToBuffer(a, 0, b, 0, bytes)); // warm-up
    for (let i = 0; i < o.samples; i++) copies.push(await timer.timeCommands((enc) => enc.copyBufferToBuffer(a, 0, b, 0, bytes)));

    const count = bytes / 16;
    const kernelMs = async (entryPoint: string, perInvocation: number) => {
      const invocations = count / perInvocation;
      const rowGroups = Math.min(32768, Math.ceil(invocations / WG_SIZE));
      const row = rowGroups * WG_SIZE;
      const pipeline = await computePipeline(device, { label: 'Roofline.copy', code: src, entryPoint, constants: { WG_SIZE } });
      const p = params(device, 0, count, row);
      const bg = bindBuffers(device, 'Roofline.copyBindGroup', pipeline, [a, b, p]);
      const encode = (pass: GPUComputePassEncoder) => { pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(rowGroups, Math.ceil(invocations / row)); };
      await timer.time(encode, 1);
      const times: number[] = [];
      for (let i = 0; i < o.samples; i++) times.push(await timer.time(encode, 1));
      p.destroy();
      return summarize(times).median;
    };
    const kern = Math.min(await kernelMs('copyVec4', 1), await kernelMs('copyVec4x8', 8));

    const gbps = (ms: number) => (2 * bytes) / (ms * 1e6);
    const copy = gbps(summarize(copies).median);
    const copyKernel = gbps(kern);
    const bw = Math.max(copy, copyKernel);
    return {
      fma_gflops: best.gflops,
      fma_samples: best.n,
      copy_gbps: copy,
      copy_kernel_gbps: copyKernel,
      bandwidth_gbps: bw,
      ridge_flop_per_byte: best.gflops / bw,
    };
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** Attainable GFLOP/s at `flopPerByte` under both roofs. */
export function attainable(r: RooflineReport, flopPerByte: number): number {
  return Math.min(r.fma_gflops, flopPerByte * r.bandwidth_gbps);
}
