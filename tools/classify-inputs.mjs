// Inputs for the classify CLI: one image, a folder of images (recursive), or a zip read entry by
// entry from its central directory (never extracted to disk). Node built-ins only.
import { open, stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { notRegular, readRegularFile, walkFiles } from './walk-files.mjs';

/** What counts as an image in a folder or zip. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.avif'];

export function isImageName(name) {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/**
 * @typedef {{ name: string, read: () => Promise<Buffer> }} InputItem
 *   name: path shown in the output (zip entry name, or path relative to the folder, '/'-separated)
 */

/**
 * Lists the images in PATH. Errors reading a single item surface when its `read()` is called.
 * @param {string} path
 * @param {{ split?: string }} [o] keep only files whose basename starts with `${split}`
 * @returns {Promise<{ kind: 'file' | 'folder' | 'zip', items: InputItem[], close: () => Promise<void> }>}
 */
export async function listInputs(path, { split } = {}) {
  const info = await stat(path);
  const keep = (name) => !split || basename(name).startsWith(split);
  if (info.isDirectory()) {
    // Loops, dangling links and unreadable entries become items that fail with the reason.
    const files = await walkFiles(path, (f) => isImageName(f));
    const items = files
      .map((f) => ({ ...f, name: relative(path, f.path).split(sep).join('/') || f.path }))
      .filter((f) => f.error || keep(f.name))
      .map(({ path: file, name, error }) => ({ name, read: error ? () => Promise.reject(new Error(error)) : () => readRegularFile(file) }));
    return { kind: 'folder', items, close: async () => {} };
  }
  // A FIFO, socket or device given as PATH: one item that fails (opening a FIFO would wait forever).
  if (!info.isFile()) return { kind: 'file', items: [{ name: path, read: () => Promise.reject(new Error(notRegular(info, path))) }], close: async () => {} };
  if (path.toLowerCase().endsWith('.zip')) {
    const zip = await openZip(path);
    const items = zip.entries
      .filter((e) => !e.name.endsWith('/') && isImageName(e.name) && keep(e.name))
      .map((e) => ({ name: e.name, read: () => zip.read(e) }));
    return { kind: 'zip', items, close: () => zip.close() };
  }
  return { kind: 'file', items: [{ name: path, read: () => readRegularFile(path) }], close: async () => {} };
}

/**
 * @typedef {{ name: string, method: number, flags: number, compressedSize: number,
 *   size: number, offset: number }} ZipEntry
 */

/**
 * Opens a zip: reads the end-of-central-directory record (zip64 too) and the central directory;
 * `read(entry)` then reads one entry's bytes (stored or deflated) with positioned reads.
 * @param {string} path
 */
export async function openZip(path) {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path}: not a zip file (no end of central directory)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20; // zip64 end-of-central-directory locator
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new Error(`${path}: broken zip64 locator`);
      const rec = await readAt(fh, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new Error(`${path}: broken zip64 end record`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    /** @type {ZipEntry[]} */
    const entries = [];
    for (let p = 0, i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: broken central directory at entry ${i}`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let offset = cd.readUInt32LE(p + 42);
      const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
      // zip64 extra field: the 64-bit values, in this order, for the fields saturated above.
      for (let q = p + 46 + nameLen; q + 4 <= p + 46 + nameLen + extraLen; ) {
        const id = cd.readUInt16LE(q);
        const len = cd.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          if (uncompressed === 0xffffffff) (uncompressed = Number(cd.readBigUInt64LE(r))), (r += 8);
          if (compressedSize === 0xffffffff) (compressedSize = Number(cd.readBigUInt64LE(r))), (r += 8);
          if (offset === 0xffffffff) offset = Number(cd.readBigUInt64LE(r));
        }
        q += 4 + len;
      }
      entries.push({ name, method, flags, compressedSize, size: uncompressed, offset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return {
      entries,
      /** @param {ZipEntry} e */
      async read(e) {
        if (e.flags & 1) throw new Error(`${e.name}: encrypted zip entries are not supported`);
        const local = await readAt(fh, e.offset, 30);
        if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${e.name}: broken local header`);
        const start = e.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const raw = await readAt(fh, start, e.compressedSize);
        if (e.method === 0) return raw;
        if (e.method === 8) return inflateRawSync(raw);
        throw new Error(`${e.name}: unsupported zip compression method ${e.method}`);
      },
      close: () => fh.close(),
    };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

async function readAt(fh, position, length) {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += bytesRead;
  }
  return buf;
}
