// Test inputs the repository owns, so that `npm test` runs the detector and both classifiers end to
// end with no data folder: the real faces stored in the committed golden fixtures
// (test/fixtures/*.golden.safetensors, written by training/golden.py: three FER-2013 faces, 48×48
// gray, and three UTKFace faces, 64×64 RGB), written out as PNG files, composed into camera-sized
// frames, or into a Y4M clip for Chromium's fake camera.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { root } from './helpers.mjs';

/** Reads one float32 tensor and the header of a safetensors file. */
function readTensor(file, name) {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const { dtype, shape, data_offsets: [begin, end] } = header[name];
  if (dtype !== 'F32') throw new Error(`${file}: ${name} is ${dtype}, expected F32`);
  const data = bytes.subarray(8 + headerLength + begin, 8 + headerLength + end);
  return { shape, values: new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/**
 * The real faces of a golden fixture (the noise example left out): 0..255 pixels, NHWC, with the
 * file each came from and, for FER-2013, its class folder.
 * @param {'emotion' | 'gender'} model
 * @returns {{ pixels: Uint8Array, size: number, channels: number, source: string, label?: string }[]}
 */
export function goldenFaces(model) {
  const { sources } = JSON.parse(readFileSync(join(root, `test/fixtures/${model}.golden.json`), 'utf8'));
  const { shape: [, size, , channels], values } = readTensor(join(root, `test/fixtures/${model}.golden.safetensors`), 'pixels');
  const per = size * size * channels;
  return sources.flatMap((source, i) => {
    if (source.startsWith('noise')) return [];
    const pixels = Uint8Array.from(values.subarray(i * per, (i + 1) * per), (v) => Math.round(v));
    const label = /^test\/(\w+)\//.exec(source)?.[1];
    return [{ pixels, size, channels, source, label }];
  });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit PNG (gray for 1 channel, RGB for 3) from row-major pixels. */
export function encodePng(width, height, channels, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 1 ? 0 : 2, 0, 0, 0], 8);
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Writes the FER-2013 golden faces as dir/<class>/<name>.png (like a folder of FER-2013 images)
 * and returns their paths relative to dir.
 */
export async function writeEmotionFaces(dir) {
  const written = [];
  for (const f of goldenFaces('emotion')) {
    const name = `${f.label}/${/([^/]+)\.jpg$/.exec(f.source)[1]}.png`;
    await mkdir(join(dir, f.label), { recursive: true });
    await writeFile(join(dir, name), encodePng(f.size, f.size, 1, f.pixels));
    written.push(name);
  }
  return written;
}

/** Bilinear sample of face `f` at (u, v) in 0..size, channel c (gray faces repeat their channel). */
function sample(f, u, v, c) {
  const x = Math.min(Math.max(u - 0.5, 0), f.size - 1);
  const y = Math.min(Math.max(v - 0.5, 0), f.size - 1);
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, f.size - 1), y1 = Math.min(y0 + 1, f.size - 1);
  const ch = f.channels === 1 ? 0 : c;
  const at = (xx, yy) => f.pixels[(yy * f.size + xx) * f.channels + ch];
  const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * (x - x0);
  const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * (x - x0);
  return top + (bottom - top) * (y - y0);
}

/**
 * A 640×480 RGB frame with the six golden faces (three gray FER-2013, three colour UTKFace), each
 * scaled to `side` pixels, in rows of `cols` on a plain background (`count` faces: the six again
 * after the sixth, for a crowd); `shift` moves them all right, so a clip of shifted frames shows
 * faces that move a little, as a camera's do.
 */
export function facesFrame({ width = 640, height = 480, side = 150, shift = 0, cols = 3, count = 6 } = {}) {
  const rgb = new Uint8Array(width * height * 3).fill(150);
  const six = [...goldenFaces('emotion'), ...goldenFaces('gender')];
  const faces = Array.from({ length: count }, (_, i) => six[i % six.length]);
  faces.forEach((f, i) => {
    const left = 30 + (i % cols) * (side + 50) + shift;
    const top = 50 + Math.floor(i / cols) * (side + 60);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const px = left + x, py = top + y;
        if (px < 0 || px >= width || py < 0 || py >= height) continue;
        for (let c = 0; c < 3; c++) rgb[(py * width + px) * 3 + c] = Math.round(sample(f, ((x + 0.5) * f.size) / side, ((y + 0.5) * f.size) / side, c));
      }
    }
  });
  return { width, height, rgb };
}

/** RGB → YUV 4:2:0 (BT.601, limited range), one Y4M FRAME. */
function yuvFrame({ width, height, rgb }) {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc(u.length);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]];
    y[i] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
  }
  for (let j = 0; j < height / 2; j++) {
    for (let i = 0; i < width / 2; i++) {
      const k = (2 * j * width + 2 * i) * 3;
      const [r, g, b] = [rgb[k], rgb[k + 1], rgb[k + 2]];
      u[j * (width / 2) + i] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      v[j * (width / 2) + i] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
}

/** Writes frames (same size) as a Y4M clip at `fps`, the format Chromium's fake camera reads. */
export async function writeY4m(file, frames, fps = 5) {
  const { width, height } = frames[0];
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  await writeFile(file, Buffer.concat([header, ...frames.map(yuvFrame)]));
}
