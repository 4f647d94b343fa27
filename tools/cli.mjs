// What the CLIs that drive a page of the built app share (analyze.mjs, classify.mjs): the common
// flags (--backend auto|webgpu|wasm|cpu, --out FILE, --dist DIR, -h/--help), error exits (`NAME: message`,
// exit code 2 for bad usage, 1 for a failure once started), JSON lines to --out or stdout, and the
// page itself: dist/ served on a free local port, opened in headless Chromium, its model loaded.
//
//   const cli = new Cli('analyze', USAGE, { html: 'analyze.html', global: 'emolensAnalyze' });
//   const { values, positionals } = cli.parse(argv, { annotate: { type: 'string' } }, 'some');
//   const dist = cli.dist(values.dist);
//   await cli.run({ dist, out: values.out }, async ({ page, write }) => {
//     const info = await cli.load(page, 'pipeline', { backend: values.backend });
//     await write({ ... });
//     return 0;                                      // the exit code
//   });
import { createWriteStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { serveStatic } from './serve.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const BACKENDS = ['auto', 'webgpu', 'wasm', 'cpu'];

/** True when the module at `url` (its import.meta.url) is the script node was started with. */
export function isMain(url) {
  return Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(url);
}

/** An error from the page as one line: its message without the 'Error: ' that crossing adds. */
export function pageErrorText(e) {
  return String(e.message ?? e).replace(/^Error: /, '');
}

/** Writes objects as JSON lines to a stream, waiting when it is full. */
export function lineWriter(stream) {
  return async (obj) => {
    if (!stream.write(`${JSON.stringify(obj)}\n`)) await new Promise((ok) => stream.once('drain', ok));
  };
}

export class Cli {
  /**
   * @param {string} name what error lines start with ('analyze: …')
   * @param {string} usage printed by --help and after a usage error
   * @param {{ html: string, global: string }} page the dist/ page, and the window global it sets
   *   once it is ready (with a `load(options)` method)
   */
  constructor(name, usage, page) {
    this.name = name;
    this.usage = usage;
    this.page = page;
  }

  /** Prints `NAME: message` and exits: 2 for bad usage (the default), 1 for a failure. */
  fail(message, code = 2) {
    console.error(`${this.name}: ${message}`);
    process.exit(code);
  }

  /**
   * node:util parseArgs with the common flags added to `options`. --help prints the usage and
   * exits 0; `paths` checks the positionals ('one': exactly one PATH, 'some': at least one); then
   * --backend is checked.
   * @returns {{ values: Record<string, any>, positionals: string[] }}
   */
  parse(argv, options, paths) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          out: { type: 'string' },
          backend: { type: 'string', default: 'auto' },
          ...options,
          dist: { type: 'string', default: join(root, 'dist') },
          help: { type: 'boolean', short: 'h', default: false },
        },
      });
    } catch (e) {
      this.fail(`${e.message}\n${this.usage}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      console.log(this.usage);
      process.exit(0);
    }
    if (paths === 'one' && positionals.length !== 1) this.fail(`give exactly one PATH\n${this.usage}`);
    if (paths === 'some' && !positionals.length) this.fail(`give at least one PATH\n${this.usage}`);
    if (!BACKENDS.includes(values.backend)) this.fail(`--backend must be auto, webgpu, wasm or cpu, not ${values.backend}`);
    return { values, positionals };
  }

  /** The --dist folder, resolved, once the page is found built in it. */
  dist(dir) {
    const dist = resolve(dir);
    if (!existsSync(join(dist, this.page.html))) this.fail(`${dist}/${this.page.html} is missing: build first (npm run build)`);
    return dist;
  }

  /**
   * Serves `dist`, opens the page in headless Chromium (its errors forwarded to stderr) and waits
   * until it is ready, then sets the exit code to what `body({ page, write })` answers; `write`
   * sends one JSON line to the file `out`, or to stdout. An exception prints `NAME: message` and
   * sets exit code 1. At the end the browser, the server, `close` (when given) and `out` are closed.
   */
  async run({ dist, out, close }, body) {
    const stream = out ? createWriteStream(out) : process.stdout;
    const write = lineWriter(stream);
    const server = await serveStatic({ root: dist });
    const browser = await launchBrowser();
    let exitCode = 0;
    try {
      const page = await browser.newPage();
      forwardPageErrors(page, `[${this.name} page]`);
      await page.goto(`${server.url}${this.page.html}`);
      await page.waitForFunction((g) => window[g] !== undefined, { timeout: 60_000 }, this.page.global);
      exitCode = await body({ page, write });
    } catch (e) {
      console.error(`${this.name}: ${e instanceof Error ? e.message : e}`);
      exitCode = 1;
    } finally {
      await browser.close();
      await server.close();
      await close?.();
      if (stream !== process.stdout) await new Promise((ok) => stream.end(ok));
    }
    process.exitCode = exitCode;
  }

  /**
   * The page's `load(options)`, timed; prints `backend: B (reason) loaded in S s` to stderr and
   * answers what load answered. A failure exits 1 with `could not load the WHAT: …`.
   */
  async load(page, what, options) {
    const t0 = performance.now();
    let info;
    try {
      info = await page.evaluate((g, o) => window[g].load(o), this.page.global, options);
    } catch (e) {
      this.fail(`could not load the ${what}: ${pageErrorText(e)}`, 1);
    }
    console.error(`backend: ${info.backend} (${info.reason}) loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return info;
  }
}
