// The CLIs' folder walk, which never throws: symbolic links are followed (to files and folders),
// but a link back into a folder being walked (a loop), a dangling link, and a folder or entry that
// cannot be read each become one entry with an `error`, and the walk goes on with the rest.
import { readdir, realpath, stat } from 'node:fs/promises';
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
      out.push({ path, error: `could not list the folder: ${e.code ?? e.message}` });
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
      else if (s.isFile() && keep(p)) out.push({ path: p });
    }
  }
  await walk(dir, new Set());
  return out;
}

function describe(e, path) {
  if (e.code === 'ENOENT') return `dangling symbolic link or vanished file: ${path}`;
  if (e.code === 'ELOOP') return `symbolic link loop: ${path}`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied: ${path}`;
  return `could not read ${path}: ${e.code ?? e.message}`;
}
