// What the worker's engines (InferenceEngine for photos, PipelineEngine for frames) share: calls run one
// at a time, events go to subscribers, and the backend is chosen, watched and rebuilt alike.
//
// Backend policy (chooseBackend): 'wasm' → our WebAssembly kernels; 'cpu' → the TypeScript reference;
// no WebGPU → the CPU path (wasm where WebAssembly SIMD runs) and why (an error when
// 'webgpu' was asked for); 'webgpu' or a hardware adapter → WebGPU; a software adapter
// (SwiftShader) → both backends timed, the faster kept and the other disposed. The camera pipeline
// takes whatever device there is and uses probeBackend alone.
//
// A lost device (watch): what ran on it is dropped, 'device-lost' is emitted once, and the engine's
// next call rebuilds and emits 'recovered' with both reasons. A device we destroy ourselves (the
// slower backend, a failed build, a reload) is not reported.
import type { GpuProbe } from '../gpu/device-select';
import { cpuPath } from '../nn/cpu-path';
import type { Backend, BackendChoice, WorkerEvent } from './api';

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** 'cpu' asked for or no WebGPU: why the CPU runs; else the adapter's device. */
export type Probed = { probe: Extract<GpuProbe, { ok: true }> } | { probe?: undefined; reason: string };

/**
 * The first step of every engine's choice. `cpuInstead` ends the sentence when 'auto' falls back
 * ('Running on the CPU instead.'). Throws when 'webgpu' was asked for and there is none.
 */
export async function probeBackend(choice: BackendChoice, gpu: () => Promise<GpuProbe>, cpuInstead: string): Promise<Probed> {
  if (choice === 'cpu') return { reason: 'CPU backend requested.' };
  if (choice === 'wasm') return { reason: 'WebAssembly backend requested.' };
  const probe = await gpu();
  if (probe.ok) return { probe };
  if (choice === 'webgpu') throw new Error(`WebGPU unavailable: ${probe.why}.`);
  return { reason: `WebGPU unavailable: ${probe.why}. ${cpuInstead}` };
}

/** The CPU path of a choice: the TypeScript reference only when 'cpu' is asked for, else wasm (where it runs). */
export function cpuPathFor(choice: BackendChoice): 'wasm' | 'cpu' {
  return cpuPath(choice === 'cpu' ? 'cpu' : 'wasm');
}

/** What a built model says it runs on (the real ones do), else the path it was asked for. */
function ranOn(impl: unknown, path: 'wasm' | 'cpu'): Backend {
  return (impl as { backend?: Backend }).backend ?? path;
}

/** Where an engine keeps the device its current build runs on (undefined: none, or CPU). */
export interface DeviceHolder {
  device?: GPUDevice;
}

export interface BackendOptions<T extends { dispose(): void }, R extends { webgpu: number; cpu: number }> {
  choice: BackendChoice;
  gpu: () => Promise<GpuProbe>;
  /** Ends the reason when 'auto' falls back for want of WebGPU. */
  cpuInstead: string;
  /** The model on the CPU path `path` (cpuPathFor(choice)). */
  cpu(path: 'wasm' | 'cpu'): Promise<T>;
  webgpu(device: GPUDevice): Promise<T>;
  /**
   * Software adapter only: times both (ms per unit; the engine's other fields ride along into
   * `timings`). `on` and `per` word the reason: "timed{on}: WebGPU a vs CPU b{per}".
   */
  race: { run(gpu: T, cpu: T): Promise<R>; on?: string; per?: string };
  /** False once the build this choice is for was replaced (a reload): its device's loss is not news. */
  current(): boolean;
  /** Forgets what was built on a lost device (the holder's device is cleared after it). */
  drop(): void;
}

export interface Chosen<T, R> {
  impl: T;
  /** Keys in the order the load results have always listed them. */
  result: { backend: Backend; adapter?: string; timings?: R; reason: string };
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

export abstract class BackendEngine {
  /** Why the last device went away, repeated in the 'recovered' event's reason. */
  protected lostMessage?: string;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((event: WorkerEvent) => void)[] = [];

  subscribe(callback: (event: WorkerEvent) => void): void {
    this.listeners.push(callback);
  }

  /** Runs calls one after another: a model owns one set of buffers and one readback. */
  protected serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected emit(event: WorkerEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener in a closed page must not break the worker.
      }
    }
  }

  /** Emits 'recovered' after a rebuild: "<lost message> <rebuilt>: <reason>". */
  protected recovered(rebuilt: string, r: { backend: Backend; reason: string }): void {
    this.emit({ type: 'recovered', backend: r.backend, reason: `${this.lostMessage ?? ''} ${rebuilt}: ${r.reason}`.trim() });
  }

  /** When `device` is lost while `current()` holds: `drop()`, then report the loss. */
  protected watch(device: GPUDevice, current: () => boolean, drop: () => void): void {
    device.lost.then((info) => {
      if (!current()) return; // we destroyed it ourselves
      drop();
      this.lostMessage = `The GPU device was lost (${info.reason}: ${info.message || 'no message'}).`;
      this.emit({ type: 'device-lost', message: this.lostMessage });
    });
  }

  /** The backend policy above; the device (when WebGPU is kept) is left in `holder.device`, watched. */
  protected async chooseBackend<T extends { dispose(): void }, R extends { webgpu: number; cpu: number }>(
    holder: DeviceHolder,
    o: BackendOptions<T, R>,
  ): Promise<Chosen<T, R>> {
    const p = await probeBackend(o.choice, o.gpu, o.cpuInstead);
    const path = cpuPathFor(o.choice);
    if (!p.probe) {
      const impl = await o.cpu(path);
      return { impl, result: { backend: ranOn(impl, path), reason: p.reason } };
    }
    const { device, name: adapter, fallback } = p.probe;
    holder.device = device;
    this.watch(device, () => o.current() && holder.device === device, () => {
      o.drop();
      holder.device = undefined;
    });
    let gpu: T;
    try {
      gpu = await o.webgpu(device);
    } catch (e) {
      holder.device = undefined;
      device.destroy();
      throw e;
    }
    if (o.choice === 'webgpu' || !fallback) {
      return {
        impl: gpu,
        result: {
          backend: 'webgpu',
          adapter,
          reason: o.choice === 'webgpu' ? `WebGPU backend requested (adapter: ${adapter}${fallback ? ', a software fallback' : ''}).` : `WebGPU on ${adapter}.`,
        },
      };
    }
    // A software adapter can be slower than plain JS: time both, keep the faster.
    const cpu = await o.cpu(path);
    const cpuName = ranOn(cpu, path) === 'wasm' ? 'wasm' : 'CPU';
    const timings = await o.race.run(gpu, cpu);
    const useGpu = timings.webgpu <= timings.cpu;
    if (useGpu) {
      cpu.dispose();
    } else {
      gpu.dispose();
      holder.device = undefined;
      device.destroy();
    }
    return {
      impl: useGpu ? gpu : cpu,
      result: {
        backend: useGpu ? 'webgpu' : ranOn(cpu, path),
        adapter,
        timings,
        reason: `The WebGPU adapter (${adapter}) is a software fallback, so both backends were timed${o.race.on ?? ''}: ` +
          `WebGPU ${fmt(timings.webgpu)} vs ${cpuName} ${fmt(timings.cpu)}${o.race.per ?? ''}; using the faster, ${useGpu ? 'WebGPU' : cpuName}.`,
      },
    };
  }
}
