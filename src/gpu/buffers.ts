// Buffer helpers: storage/uniform creation at load time and readback. Nothing here is meant to be
// called per frame except Readback.read on a Readback made once.

const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;

/** A storage buffer holding `data`, or `bytes` zeroed bytes (rounded up to 16). */
export function storageBuffer(device: GPUDevice, label: string, data: Float32Array | number): GPUBuffer {
  const bytes = typeof data === 'number' ? data : data.byteLength;
  const buf = device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: STORAGE });
  if (typeof data !== 'number') writeFloats(device, buf, 0, data);
  return buf;
}

/**
 * queue.writeBuffer for a Float32Array of any backing store. The DOM typings reject views typed
 * over ArrayBufferLike (which includes SharedArrayBuffer, also accepted by the API), hence the cast.
 */
export function writeFloats(device: GPUDevice, buf: GPUBuffer, offsetBytes: number, data: Float32Array, count = data.length): void {
  device.queue.writeBuffer(buf, offsetBytes, data as Float32Array<ArrayBuffer>, 0, count);
}

/** A uniform buffer holding `data` (the WGSL struct's bytes; its size must be a multiple of 16). */
export function uniformBuffer(device: GPUDevice, label: string, data: ArrayBuffer): GPUBuffer {
  if (data.byteLength % 16 !== 0) throw new Error(`${label}: uniform size ${data.byteLength} is not a multiple of 16`);
  const buf = device.createBuffer({ label, size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

/** Packs a uniform struct of 4-byte scalars: integers as i32 (or u32), `{ f: x }` as f32. Pads to 16 bytes. */
export function packParams(fields: readonly (number | { f: number })[]): ArrayBuffer {
  const buf = new ArrayBuffer(Math.ceil(fields.length / 4) * 16);
  const i32 = new Int32Array(buf);
  const f32 = new Float32Array(buf);
  fields.forEach((v, i) => {
    if (typeof v === 'number') i32[i] = v;
    else f32[i] = v.f;
  });
  return buf;
}

/** A bind group for group 0 of `pipeline`, binding i = buffers[i]; null entries are unused by that entry point. */
export function bindBuffers(device: GPUDevice, label: string, pipeline: GPUComputePipeline, buffers: readonly (GPUBuffer | null)[]): GPUBindGroup {
  const entries: GPUBindGroupEntry[] = [];
  buffers.forEach((buffer, binding) => {
    if (buffer) entries.push({ binding, resource: { buffer } });
  });
  return device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
}

/** A reused MAP_READ buffer: encodeCopy() in the frame's encoder, then read() after submit. */
export class Readback {
  readonly buffer: GPUBuffer;
  private bytes = 0;

  constructor(device: GPUDevice, label: string, capacityBytes: number) {
    this.buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(capacityBytes / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  encodeCopy(encoder: GPUCommandEncoder, src: GPUBuffer, bytes: number, srcOffset = 0): void {
    if (bytes > this.buffer.size) throw new Error(`${this.buffer.label}: ${bytes} bytes exceed capacity ${this.buffer.size}`);
    this.bytes = bytes;
    encoder.copyBufferToBuffer(src, srcOffset, this.buffer, 0, bytes);
  }

  /**
   * Several sources one after another in the buffer (one readback for all): answers where each
   * starts, in floats. Sizes and offsets are whole floats (copyBufferToBuffer wants multiples of 4).
   */
  encodeCopies(encoder: GPUCommandEncoder, copies: readonly { src: GPUBuffer; bytes: number; srcOffset?: number }[]): number[] {
    const total = copies.reduce((a, c) => a + c.bytes, 0);
    if (total > this.buffer.size) throw new Error(`${this.buffer.label}: ${total} bytes exceed capacity ${this.buffer.size}`);
    let at = 0;
    const starts = copies.map((c) => {
      encoder.copyBufferToBuffer(c.src, c.srcOffset ?? 0, this.buffer, at, c.bytes);
      const start = at / 4;
      at += c.bytes;
      return start;
    });
    this.bytes = total;
    return starts;
  }

  /** The floats copied by the last encodeCopy or encodeCopies (a fresh array; the mapping is released). */
  async read(): Promise<Float32Array> {
    await this.buffer.mapAsync(GPUMapMode.READ, 0, this.bytes);
    const out = new Float32Array(this.buffer.getMappedRange(0, this.bytes).slice(0));
    this.buffer.unmap();
    return out;
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

/** One-off read of `count` floats from `src` (tests, debug taps): allocates, so not for frames. */
export async function readFloats(device: GPUDevice, src: GPUBuffer, count: number, srcOffset = 0): Promise<Float32Array> {
  const rb = new Readback(device, 'readFloats.buffer', count * 4);
  const enc = device.createCommandEncoder({ label: 'readFloats.encoder' });
  rb.encodeCopy(enc, src, count * 4, srcOffset);
  device.queue.submit([enc.finish()]);
  try {
    return await rb.read();
  } finally {
    rb.destroy();
  }
}
