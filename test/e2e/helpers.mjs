// Shared set-up for the e2e and data tests (node --test): build once, real FER-2013 images extracted
// from the data folder's zip into a temp folder (data tests only), and a runner for the CLIs.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../../esbuild.config.mjs';
import { openZip } from '../../tools/classify-inputs.mjs';
import { dataPath, requireData } from '../../tools/data-dir.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** FER-2013 in the data folder (only the data tests read it). */
export const FER_ZIP = dataPath('datasets', 'fer2013.zip');
export const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

let built;
/** Builds dist/ once per test process. */
export function ensureBuilt() {
  built ??= build({ quiet: true });
  return built;
}

export function tempDir(prefix = 'emolens-e2e-') {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Extracts `perClass` PrivateTest images of each class in `classes` into dir/<class>/, keeping
 * their names. Returns the relative paths written.
 */
export async function extractFer(dir, { perClass = 2, classes = CLASSES } = {}) {
  const zip = await openZip(requireData('datasets', 'fer2013.zip'));
  const written = [];
  try {
    for (const c of classes) {
      const entries = zip.entries.filter((e) => e.name.startsWith(`test/${c}/PrivateTest_`)).slice(0, perClass);
      await mkdir(join(dir, c), { recursive: true });
      for (const e of entries) {
        await writeFile(join(dir, c, basename(e.name)), await zip.read(e));
        written.push(`${c}/${basename(e.name)}`);
      }
    }
  } finally {
    await zip.close();
  }
  return written;
}

/**
 * Runs argv[0] with argv[1..] and collects its output; resolves to { code, stdout, stderr }. Fails
 * after `timeoutMs` (the child is killed) with `hang` and its stderr: a hang is a failure, not a wait.
 */
export function runCommand(argv, { cwd = root, env = process.env, timeoutMs = 240_000, hang = `${argv.join(' ')} timed out after ${timeoutMs} ms` } = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${hang}\n${stderr}`));
    }, timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
}

/** Runs `node tools/<tool>.mjs ...args` from the repo root; resolves to { code, stdout, stderr }. */
export function runTool(tool, args, { timeoutMs = 240_000 } = {}) {
  return runCommand([process.execPath, join(root, `tools/${tool}.mjs`), ...args], { timeoutMs, hang: `${tool} timed out after ${timeoutMs} ms` });
}

/** Runs `node tools/classify.mjs ...args`; resolves to { code, stdout, stderr }. */
export const runClassify = (args, options) => runTool('classify', args, options);

export function parseJsonl(text) {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/**
 * Waits until the app's camera view shows a result computed from `source` ('camera', 'sample' or an
 * opened file's name): a frame of whatever played before, finishing meanwhile, does not count
 * (counting frames alone raced with the autoplaying sample clip).
 */
export const waitAnalysedFrom = (page, source, timeout = 180_000) =>
  page.waitForFunction((s) => document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').analysedFrom === s, { timeout, polling: 200 }, source);
