// The one setting for everything that is not the project's own (data sets, CC BY media, the YuNet
// ONNX file): EMOLENS_DATA, default ../shared beside the repository. Tools and tests find files
// there through these helpers, never by a fixed relative path.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The data folder: $EMOLENS_DATA, else ../shared next to the repository. */
export const DATA_DIR = resolve(process.env.EMOLENS_DATA || resolve(repoRoot, '../shared'));

/** Path of a file inside the data folder, e.g. dataPath('media', 'race.jpg'). It may not exist. */
export function dataPath(...parts) {
  return resolve(DATA_DIR, ...parts);
}

/** Whether a file of the data folder is present. */
export function hasData(...parts) {
  return existsSync(dataPath(...parts));
}

/** One line that names the missing file and the setting (for errors and skipped tests). */
export function missingDataMessage(...parts) {
  return `missing ${dataPath(...parts)}: set EMOLENS_DATA to the data folder (default ../shared; see README "Data folder")`;
}

/** The path of a data file, or an Error with missingDataMessage when it is not there. */
export function requireData(...parts) {
  if (!hasData(...parts)) throw new Error(missingDataMessage(...parts));
  return dataPath(...parts);
}

/**
 * For command-line tools: the path of a data file, or (when it is missing) the one-line message on
 * stderr and exit code 2, instead of a stack trace from deep inside the tool.
 */
export function dataFileOrExit(...parts) {
  if (hasData(...parts)) return dataPath(...parts);
  console.error(missingDataMessage(...parts));
  process.exit(2);
}
