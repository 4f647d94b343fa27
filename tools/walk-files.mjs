// The CLIs' folder walk, which never throws: symbolic links are followed (to files and folders),
// but a link back into a folder being walked (a loop), a dangling link, and a folder or entry that
// cannot be read each become one entry with an `error`, and the walk goes on with the rest. So does
// an entry that is not a regular file (a FIFO, whose read would wait for a writer forever; a socket;
// a device such as a link to /dev/zero, whose read never ends): readRegularFile() refuses those
// again at read time, since an entry can change between the walk and the read.
import { constants } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files under `dir`, sorted by path within each folder.
 * @param {string} dir
 * @param {(path: string) => boolean} keep which files (by path) to list; errors are listed for
 *   entries whose own name passes `keep` and for every folder that could not be read or is a loop
 * @returns {Promise<{ path: string, error?: string }[]>}
 */
export async function walkFiles(dir, keep = () => true) {
  const out = [];
  async function walk(path, ancestors) {
    let real;
    try {
      real = await realpath(path);
    } catch (e) {
      out.push({ path, error: describe(e, path) });
      return;
    }
    if (ancestors.has(real)) {
      out.push({ path, error: `symbolic link loop: ${path} leads back to ${real}, which is being walked; skipped` });
      return;
    }
    let names;
    try {
      names = (await readdir(path)).sort();
    } catch (e) {
      const denied = e.code === 'EACCES' || e.code === 'EPERM';
      out.push({ path, error: denied ? `permission denied: could not list the folder ${path}` : `could not list the folder ${path}: ${e.code ?? e.message}` });
      return;
    }
    const inside = new Set(ancestors).add(real);
    for (const name of names) {
      const p = join(path, name);
      let s;
      try {
        s = await stat(p); // follows links
      } catch (e) {
        if (keep(p)) out.push({ path: p, error: describe(e, p) });
        continue;
      }
      if (s.isDirectory()) await walk(p, inside);
      else if (keep(p)) out.push(s.isFile() ? { path: p } : { path: p, error: notRegular(s, p) });
    }
  }
  await walk(dir, new Set());
  return out;
}

/** What a non-regular file is, as the error for its line. */
export function notRegular(s, path) {
  const what = s.isFIFO() ? 'a FIFO (named pipe)' : s.isSocket() ? 'a socket' : s.isCharacterDevice() ? 'a character device' : s.isBlockDevice() ? 'a block device' : s.isDirectory() ? 'a folder' : 'not a regular file';
  return `not a regular file: ${path} is ${what}; skipped`;
}

/**
 * The bytes of `path`, refusing anything but a regular file before reading a byte: the file is
 * opened without blocking (so a FIFO with no writer does not wait) and checked on its open handle.
 * Errors carry the same sentences as the walk's, and a `code` (ENOTREGULAR for a non-regular file).
 * @param {string} path
 * @returns {Promise<Buffer>}
 */
export async function readRegularFile(path) {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw Object.assign(new Error(describe(e, path)), { code: e.code });
  }
  try {
    const s = await fh.stat();
    if (!s.isFile()) throw Object.assign(new Error(notRegular(s, path)), { code: 'ENOTREGULAR' });
    return await fh.readFile();
  } catch (e) {
    throw e.code === 'ENOTREGULAR' || !e.code ? e : Object.assign(new Error(describe(e, path)), { code: e.code });
  } finally {
    await fh.close();
  }
}

function describe(e, path) {
  if (e.code === 'ENOENT') return `dangling symbolic link or vanished file: ${path}`;
  if (e.code === 'ELOOP') return `symbolic link loop: ${path}`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied: ${path}`;
  if (e.code === 'EISDIR') return `not a regular file: ${path} is a folder; skipped`;
  return `could not read ${path}: ${e.code ?? e.message}`;
}
