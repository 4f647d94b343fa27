// Strict reader (and tiny writer) for the safetensors format (https://github.com/huggingface/safetensors):
//   [u64 little-endian N] [N bytes UTF-8 JSON header] [data block]
// header = { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, "__metadata__"?: {str: str} }
// Offsets are relative to the data block. As in the reference implementation, the data block must be
// covered exactly: no overlaps, no holes, no trailing bytes (a hole or a tail means a wrong or
// polyglot file, and a duplicated JSON key silently drops a tensor, which then shows up as a hole).
// Every error starts with the source label and names the tensor it is about.

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

/** A tensor decoded to f32, whatever its stored dtype; `dtype` records what the file held. */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array<ArrayBuffer>;
}

export interface SafetensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** The reference implementation refuses headers above 100 MB; so do we, before allocating. */
const MAX_HEADER_BYTES = 100_000_000;

function isDtype(s: string): s is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** IEEE 754 binary16 bits → number (subnormals, ±Inf and NaN included). */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Parse a safetensors file into f32 tensors. `source` prefixes every error (e.g. the URL). */
export function parseSafetensors(buf: ArrayBuffer, source = 'safetensors'): Map<string, SafeTensor> {
  return parseSafetensorsFile(buf, source).tensors;
}

/** As parseSafetensors, plus the optional `__metadata__` string map. */
export function parseSafetensorsFile(buf: ArrayBuffer, source = 'safetensors'): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  const size = buf.byteLength;
  if (size < 8) fail(`file is ${size} bytes, too short for the 8-byte header length (truncated or empty file)`);
  const view = new DataView(buf);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (headerLen > size - 8) {
    fail(`header length ${headerLen} bytes exceeds the ${size - 8} bytes that follow the 8-byte prefix ` +
      `(truncated file, or not a safetensors file)`);
  }
  if (headerLen > MAX_HEADER_BYTES) fail(`header length ${headerLen} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (headerLen < 2) fail(`header length ${headerLen} bytes is too short for a JSON object`);

  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buf, 8, headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) return fail('header JSON is not an object');

  const dataStart = 8 + headerLen;
  const dataLen = size - dataStart;
  const metadata: Record<string, string> = {};
  interface Entry { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }
  const entries: Entry[] = [];

  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(info)) fail('"__metadata__" is not an object');
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`"__metadata__"."${k}" is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const t = `tensor "${name}"`;
    if (name === '') fail('a tensor has an empty name');
    if (!isRecord(info)) return fail(`${t}: entry is not an object`);
    for (const key of Object.keys(info)) {
      if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') fail(`${t}: unknown field "${key}"`);
    }
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string') return fail(`${t}: "dtype" is missing or not a string`);
    if (!isDtype(dtype)) return fail(`${t}: unsupported dtype ${dtype} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every(isCount)) {
      return fail(`${t}: "shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      return fail(`${t}: "data_offsets" must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(`${t}: data_offsets [${begin}, ${end}] end before begin`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const want = count * DTYPE_BYTES[dtype];
    if (end - begin !== want) {
      fail(`${t}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape ${JSON.stringify(shape)} ` +
        `of ${dtype} needs ${want} bytes`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }

  // Truncation first: it explains every out-of-range offset at once.
  let last: Entry | undefined;
  for (const e of entries) if (!last || e.end > last.end) last = e;
  if (last && last.end > dataLen) {
    fail(`tensor "${last.name}" data_offsets [${last.begin}, ${last.end}] run past the data block: the header needs ` +
      `${last.end} bytes of tensor data, so the file should be ${dataStart + last.end} bytes, but it is ${size} bytes ` +
      `(${dataLen} bytes of data present; truncated file?)`);
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < pos && prev) {
      fail(`tensors "${prev.name}" [${prev.begin}, ${prev.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    }
    if (e.begin > pos) fail(`bytes [${pos}, ${e.begin}) of the data block belong to no tensor (hole before tensor "${e.name}")`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(`${dataLen - pos} trailing bytes after the last tensor (data block is ${dataLen} bytes, tensors cover ${pos})`);

  const tensors = new Map<string, SafeTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: decode(view, dataStart + e.begin, e.end - e.begin, e.dtype) });
  }
  return { tensors, metadata };
}

function decode(view: DataView, at: number, bytes: number, dtype: SafetensorsDtype): Float32Array<ArrayBuffer> {
  const n = bytes / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  // DataView, not a typed-array view: the data may be unaligned and is little-endian by spec.
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = f16ToF32(view.getUint16(at + 2 * i, true));
  else {
    const tmp = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < n; i++) {
      tmp.setUint32(0, view.getUint16(at + 2 * i, true) << 16, true);
      out[i] = tmp.getFloat32(0, true);
    }
  }
  return out;
}

/** Tiny F32 writer (test fixtures): header padded with spaces to 8 bytes, tensors in insertion order. */
export function writeSafetensors(
  tensors: Iterable<[string, { shape: readonly number[]; data: Float32Array }]> | Record<string, { shape: readonly number[]; data: Float32Array }>,
  metadata?: Record<string, string>,
): ArrayBuffer {
  const list = Symbol.iterator in tensors ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of list) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`writeSafetensors: "${name}" has ${t.data.length} values for shape [${t.shape.join(',')}]`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new ArrayBuffer(8 + padded + offset);
  const bytes = new Uint8Array(out);
  bytes.fill(0x20, 8, 8 + padded);
  bytes.set(json, 8);
  const view = new DataView(out);
  view.setUint32(0, padded, true);
  let at = 8 + padded;
  for (const [, t] of list) for (const v of t.data) { view.setFloat32(at, v, true); at += 4; }
  return out;
}
