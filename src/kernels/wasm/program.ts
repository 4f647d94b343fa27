// A plan's fixed sequence of kernel calls, recorded once at load and stored in the wasm memory, so
// that the calling thread and every pool worker (threads.ts) can replay it. Recording runs the
// plan's own code against a recorder that stands in for the kernel exports; replaying calls the
// real exports, each thread on its share of a call's row range.
import { type KernelExports, PROGRAM_OPS, type ProgramOp, RANGED } from './kernel-exports.js';

export interface Call { op: ProgramOp; args: number[] }

/** The calls `body` makes on `m.k` (nothing runs). */
export function record(body: (m: { k: KernelExports }) => void): Call[] {
  const calls: Call[] = [];
  const k = new Proxy({} as KernelExports, {
    get: (_, name) => {
      if (!(PROGRAM_OPS as readonly (string | symbol)[]).includes(name)) throw new Error(`program: ${String(name)} cannot be recorded`);
      return (...args: number[]) => void calls.push({ op: name as ProgramOp, args });
    },
  });
  body({ k });
  return calls;
}

/** [count, then per call: op code, argument count, arguments...] as float64 (every argument is an exact integer or an f32). */
export function encode(calls: Call[]): Float64Array {
  const out: number[] = [calls.length];
  for (const c of calls) out.push(PROGRAM_OPS.indexOf(c.op), c.args.length, ...c.args);
  return Float64Array.from(out);
}

/** A call bound to one thread's exports: fn with its own argument array (the range arguments are rewritten per slice). */
export interface BoundCall { fn: (...a: number[]) => void; args: number[]; align: number; lo: number; hi: number }

export function decode(k: KernelExports, f: Float64Array): BoundCall[] {
  const calls: BoundCall[] = [];
  let i = 1;
  for (let c = 0; c < f[0]; c++) {
    const op = PROGRAM_OPS[f[i]];
    const n = f[i + 1];
    const args = Array.from(f.subarray(i + 2, i + 2 + n));
    i += 2 + n;
    const fn = k[op] as (...a: number[]) => void;
    if (typeof fn !== 'function') throw new Error(`program: op ${op} is not exported by the kernels`);
    calls.push({ fn, args, align: RANGED[op] ?? 0, lo: args[n - 2], hi: args[n - 1] });
  }
  return calls;
}

/** Runs all of `c` (its full row range: a split run may have left a slice in its arguments). */
export function runWhole(c: BoundCall): void {
  if (c.align) {
    const m = c.args.length;
    c.args[m - 2] = c.lo;
    c.args[m - 1] = c.hi;
  }
  c.fn(...c.args);
}

/** Thread t of n runs its share of `c`: a contiguous slice of the row range, or (unranged ops) all of it on thread 0. */
export function runSlice(c: BoundCall, t: number, n: number): void {
  if (!c.align || n === 1) {
    if (t === 0) runWhole(c);
    return;
  }
  const [a, b] = sliceOf(c.lo, c.hi, t, n, c.align);
  if (a >= b) return;
  const m = c.args.length;
  c.args[m - 2] = a;
  c.args[m - 1] = b;
  c.fn(...c.args);
}

/** Thread t's part of [lo, hi) split n ways, boundaries on multiples of `align` past lo (the last part takes the rest). */
export function sliceOf(lo: number, hi: number, t: number, n: number, align = 1): [number, number] {
  const cut = (i: number) => (i >= n ? hi : Math.min(hi, lo + Math.floor(((hi - lo) * i) / n / align) * align));
  return [cut(t), cut(t + 1)];
}
