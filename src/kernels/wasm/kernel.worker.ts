// A worker of the wasm kernels' pool (threads.ts): instantiates the compiled kernels on the shared
// memory it is sent, says 'ready', then serves jobs forever: it blocks until GEN moves, replays the
// program at PROG with its thread index, and goes back to waiting. It never returns to its event
// loop, so it takes no more messages; the pool ends it with terminate().
import type { KernelExports } from './kernel-exports.js';
import { CONTROL_INTS, Mode, ProgramCache, Slot, type WorkerInit, runOwn, runThread, waitPast } from './threads.js';

self.onmessage = async (e: MessageEvent<WorkerInit>) => {
  const { memory, module, ctl: ctlPtr, index, threads } = e.data;
  let k: KernelExports;
  try {
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    k = instance.exports as unknown as KernelExports;
  } catch (err) {
    postMessage(`cannot instantiate the kernels: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const ctl = new Int32Array(memory.buffer, ctlPtr, CONTROL_INTS);
  const programs = new ProgramCache(k, memory);
  let gen = Atomics.load(ctl, Slot.GEN);
  postMessage('ready');
  for (;;) {
    waitPast(ctl, Slot.GEN, gen, true);
    gen = Atomics.load(ctl, Slot.GEN);
    if (Atomics.load(ctl, Slot.QUIT)) return;
    const base = Atomics.load(ctl, Slot.BASE);
    if (Atomics.load(ctl, Slot.MODE) === Mode.EACH) {
      const ptr = Atomics.load(ctl, Slot.EACH + index);
      runOwn(ctl, ptr ? programs.get(ptr) : null, threads, base, true);
    } else runThread(ctl, programs.get(Atomics.load(ctl, Slot.PROG)), index, threads, base, true);
  }
};
