// The data tests (test/data/*.test.mjs, `npm run test:data`) read real media and data sets from the
// data folder (EMOLENS_DATA, default ../shared; see README "Data folder"). Each says at its start
// which folder it reads, and stops with one line naming a missing file and the setting.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, requireData } from '../../tools/data-dir.mjs';

/**
 * Announces the data folder for the test file `meta.url` and returns the paths of `files` (each an
 * array of parts inside the folder, e.g. ['media', 'race.jpg']); throws if one is missing.
 * @param {ImportMeta} meta
 * @param {...string[]} files
 * @returns {string[]}
 */
export function useData(meta, ...files) {
  console.error(`${basename(fileURLToPath(meta.url))}: reading the data folder ${DATA_DIR} (EMOLENS_DATA)`);
  return files.map((parts) => requireData(...parts));
}
