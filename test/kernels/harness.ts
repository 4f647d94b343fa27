// Runs one kernel on the GPU over tensors uploaded from the CPU and reads its output back.
import { readFloats, storageBuffer } from '../../src/gpu/buffers.js';
import type { ConvW, DwW, PwW } from '../../src/nn/mini-xception/folded.js';
import { randomArray } from '../helpers/gpu.js';

export interface Encodable {
  encode(pass: GPUComputePassEncoder, n: number): void;
  destroy?(): void;
}

/** Uploads `inputs`, builds the kernel on them and an output of `outCount` floats, runs it for n faces. */
export async function runKernel(
  device: GPUDevice,
  inputs: Float32Array[],
  outCount: number,
  n: number,
  build: (ins: GPUBuffer[], out: GPUBuffer) => Promise<Encodable>,
): Promise<Float32Array> {
  const ins = inputs.map((d, i) => storageBuffer(device, `test.input${i}`, d));
  // Poison the output so that an unwritten element shows up as a NaN mismatch.
  const out = storageBuffer(device, 'test.output', new Float32Array(outCount).fill(NaN));
  const k = await build(ins, out);
  const enc = device.createCommandEncoder({ label: 'test.encoder' });
  const pass = enc.beginComputePass({ label: 'test.pass' });
  k.encode(pass, n);
  pass.end();
  device.queue.submit([enc.finish()]);
  const res = await readFloats(device, out, outCount);
  k.destroy?.();
  for (const b of [...ins, out]) b.destroy();
  return res;
}

export function randomConv(kh: number, kw: number, cin: number, cout: number, seed: number): ConvW {
  const fan = kh * kw * cin;
  return { w: randomArray(fan * cout, seed, -1 / Math.sqrt(fan), 1 / Math.sqrt(fan)), b: randomArray(cout, seed + 1, -0.5, 0.5), kh, kw, cin, cout };
}

export function randomDw(c: number, seed: number): DwW {
  return { w: randomArray(9 * c, seed, -0.5, 0.5), kh: 3, kw: 3, c };
}

export function randomPw(cin: number, cout: number, seed: number): PwW {
  return { w: randomArray(cin * cout, seed, -1 / Math.sqrt(cin), 1 / Math.sqrt(cin)), b: randomArray(cout, seed + 1, -0.5, 0.5), cin, cout };
}
