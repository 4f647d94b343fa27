import { expect } from '@esm-bundle/chai';
import { f16ToF32, parseSafetensors, parseSafetensorsFile, writeSafetensors } from '../../src/nn/safetensors.js';
import { randomArray } from '../helpers/gpu.js';

/** A file from a raw header string and data bytes; `headerLen` overrides the u64 length field. */
function rawFile(header: string | object, data: Uint8Array = new Uint8Array(0), headerLen?: number): ArrayBuffer {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLen ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out.buffer;
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function u16Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Uint16Array(values).buffer);
}

function throwsWith(fn: () => unknown, ...parts: string[]): string {
  let msg = '';
  try {
    fn();
  } catch (e) {
    msg = (e as Error).message;
  }
  expect(msg, 'expected an error').to.not.equal('');
  for (const p of parts) expect(msg).to.include(p);
  return msg;
}

suite('safetensors', () => {
  test('round trip of random tensors, scalar and empty included, with metadata', () => {
    const shapes: number[][] = [[3, 5, 7, 2], [1], [], [0, 4], [17], [2, 3]];
    const tensors = new Map(shapes.map((s, i) => [`t${i}.weight`, { shape: s, data: randomArray(s.reduce((a, b) => a * b, 1), i + 1, -100, 100) }]));
    const buf = writeSafetensors(tensors, { format: 'pt', note: 'x' });
    const headerLen = new DataView(buf).getUint32(0, true);
    expect(headerLen % 8, 'header padded to 8 bytes').to.equal(0);
    const parsed = parseSafetensorsFile(buf);
    expect(parsed.metadata).to.deep.equal({ format: 'pt', note: 'x' });
    expect([...parsed.tensors.keys()].sort()).to.deep.equal([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const got = parsed.tensors.get(name)!;
      expect(got.dtype).to.equal('F32');
      expect(got.shape, name).to.deep.equal(t.shape);
      expect(Array.from(got.data), name).to.deep.equal(Array.from(t.data));
    }
  });

  test('unaligned data block (header length not a multiple of 4) reads correctly', () => {
    const header = { a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } };
    let json = JSON.stringify(header);
    if (json.length % 4 === 0) json += ' ';
    const t = parseSafetensors(rawFile(json, f32Bytes([1.5, -2.25, 3e-7])));
    expect(Array.from(t.get('a')!.data)).to.deep.equal(Array.from(new Float32Array([1.5, -2.25, 3e-7])));
  });

  test('F16 and BF16 convert to f32 (normal, subnormal, max, ±0, ±Inf, NaN)', () => {
    const half = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const bf = [0x3f80, 0xc040, 0x0000];
    const header = {
      h: { dtype: 'F16', shape: [2, 5], data_offsets: [0, 20] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [20, 26] },
    };
    const t = parseSafetensors(rawFile(header, u16Bytes([...half, ...bf])));
    const h = Array.from(t.get('h')!.data);
    expect(h.slice(0, 8)).to.deep.equal([1, -2, 65504, 2 ** -24, 2 ** -14, -0, Infinity, -Infinity]);
    expect(Object.is(h[5], -0)).to.equal(true);
    expect(Number.isNaN(h[8])).to.equal(true);
    expect(h[9]).to.be.closeTo(1 / 3, 1e-3);
    expect(t.get('h')!.dtype).to.equal('F16');
    expect(Array.from(t.get('b')!.data)).to.deep.equal([1, -3, 0]);
    expect(f16ToF32(0x8001)).to.equal(-(2 ** -24));
  });

  test('file shorter than the 8-byte prefix', () => {
    throwsWith(() => parseSafetensors(new ArrayBuffer(5), 'x.safetensors'), 'x.safetensors:', '5 bytes', 'too short');
  });

  test('truncated file names the tensor and expected vs present bytes', () => {
    const buf = writeSafetensors({ 'a.weight': { shape: [4], data: randomArray(4) }, 'b.weight': { shape: [2, 3], data: randomArray(6) } });
    const full = buf.byteLength;
    throwsWith(() => parseSafetensors(buf.slice(0, full - 10)), 'tensor "b.weight"', `should be ${full} bytes`, `is ${full - 10} bytes`, 'truncated');
  });

  test('header length beyond the file (cut inside the header, or not safetensors)', () => {
    const buf = writeSafetensors({ a: { shape: [2], data: randomArray(2) } });
    throwsWith(() => parseSafetensors(buf.slice(0, 20)), 'header length', 'exceeds the 12 bytes');
    throwsWith(() => parseSafetensors(rawFile('{}', undefined, 1_000_000)), 'header length 1000000 bytes exceeds');
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>not found</body></html>');
    throwsWith(() => parseSafetensors(html.buffer), 'header length', 'not a safetensors file');
  });

  test('bad JSON, non-object header, invalid UTF-8', () => {
    throwsWith(() => parseSafetensors(rawFile('{"a": {"dtype": "F32",')), 'header is not valid JSON');
    throwsWith(() => parseSafetensors(rawFile('[1, 2]')), 'header JSON is not an object');
    const bad = new Uint8Array(rawFile('{"\u00e9": 1}'));
    bad[10] = 0xff; // break the UTF-8 sequence of é
    throwsWith(() => parseSafetensors(bad.buffer), 'not valid UTF-8');
  });

  test('unsupported dtype names the tensor and the dtype', () => {
    const header = { 'stem.0.bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] } };
    throwsWith(() => parseSafetensors(rawFile(header, new Uint8Array(8))), 'tensor "stem.0.bn.num_batches_tracked"', 'unsupported dtype I64');
  });

  test('byte length != product(shape) * dtype size', () => {
    const header = { 'head.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } };
    throwsWith(() => parseSafetensors(rawFile(header, new Uint8Array(20))), 'tensor "head.weight"', 'span 20 bytes', '[2,3] of F32 needs 24 bytes');
  });

  test('malformed entries: bad shape, bad offsets, end before begin, unknown field, empty name', () => {
    const d = new Uint8Array(8);
    throwsWith(() => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [2.5], data_offsets: [0, 8] } }, d)), 'tensor "a"', '"shape"');
    throwsWith(() => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, d)), 'tensor "a"', '"data_offsets"');
    throwsWith(() => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, d)), 'tensor "a"', '"data_offsets"');
    throwsWith(() => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, d)), 'tensor "a"', 'end before begin');
    throwsWith(() => parseSafetensors(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8], extra: 1 } }, d)), 'tensor "a"', 'unknown field "extra"');
    throwsWith(() => parseSafetensors(rawFile({ a: [1] }, d)), 'tensor "a"', 'not an object');
    throwsWith(() => parseSafetensors(rawFile({ '': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, d)), 'empty name');
    throwsWith(() => parseSafetensors(rawFile({ __metadata__: { v: 1 } })), '"__metadata__"."v" is not a string');
  });

  test('overlapping tensors, holes and trailing bytes are rejected', () => {
    const d = new Uint8Array(24);
    const overlap = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } };
    throwsWith(() => parseSafetensors(rawFile(overlap, d)), 'tensors "a" [0, 16] and "b" [8, 24] overlap');
    const hole = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [16, 24] } };
    throwsWith(() => parseSafetensors(rawFile(hole, d)), 'hole before tensor "b"');
    const tail = { a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    throwsWith(() => parseSafetensors(rawFile(tail, d)), '8 trailing bytes');
  });
});
