// What the CLIs that drive a page of the built app share (analyze.mjs, classify.mjs): the common
// flags (--backend auto|webgpu|wasm|cpu, --out FILE, --dist DIR, -h/--help), error exits (`NAME: message`,
// exit code 2 for bad usage, 1 for a failure once started or any input that failed), JSON lines to
// --out or stdout (progress and summaries go to stderr), and the page itself: dist/ served on a
// free local port, opened in headless Chromium (page-session.mjs: crashes and stalls end calls),
// its model loaded.
//
//   const cli = new Cli('analyze', USAGE, { html: 'analyze.html', global: 'emolensAnalyze' });
//   const { values, positionals } = cli.parse(argv, { annotate: { type: 'string' } }, 'some');
//   const dist = cli.dist(values.dist);
//   await cli.run({ dist, out: values.out }, async ({ session, write }) => {
//     const info = await cli.load(session, 'pipeline', { backend: values.backend });
//     await write({ ... });
//     return 0;                                      // the exit code
//   });
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PageGone, PageSession, PageTimeout } from './page-session.mjs';
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
    /** Input files the page may fetch now, served from memory by run()'s server (offer, withdraw). */
    this.inputs = new Map();
    this.offered = 0;
  }

  /**
   * Serves one input file's bytes to the page at a path of its own until withdrawn, and answers
   * the path (src/headless/input-blob.ts fetches it). Over HTTP the bytes never become a string:
   * sent as base64 through DevTools, each batch of photos left a 21 MB string in both V8 heaps
   * until a major collection, and classify's memory grew with the number of photos.
   */
  offer(bytes) {
    const path = `/__input/${++this.offered}`;
    this.inputs.set(path, bytes);
    return path;
  }

  withdraw(...paths) {
    for (const p of paths) this.inputs.delete(p);
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
    if (values.out !== undefined && existsSync(values.out) && statSync(values.out).isDirectory()) this.fail(`--out must be a file, and ${values.out} is a folder`);
    return { values, positionals };
  }

  /** The --dist folder, resolved, once the page is found built in it. */
  dist(dir) {
    const dist = resolve(dir);
    if (!existsSync(join(dist, this.page.html))) this.fail(`${dist}/${this.page.html} is missing: build first (npm run build)`);
    return dist;
  }

  /**
   * Serves `dist`, opens the page in headless Chromium (a PageSession: its errors forwarded to
   * stderr, crashes and stalls turned into errors) and waits until it is ready, then sets the exit
   * code to what `body({ session, write })` answers; `write` sends one JSON line to the file `out`,
   * or to stdout. An exception prints `NAME: message` (one sentence) and sets exit code 1. At the
   * end the browser, the server, `close` (when given) and `out` are closed.
   */
  async run({ dist, out, close }, body) {
    const stream = out ? createWriteStream(out) : process.stdout;
    if (!out) warnNpmBanner(this.name);
    const write = lineWriter(stream);
    const server = await serveStatic({ root: dist, memoryFiles: this.inputs });
    this.origin = server.url;
    const session = new PageSession({ name: this.name, url: `${server.url}${this.page.html}`, global: this.page.global });
    let exitCode = 0;
    // Stopped from outside: end here (the page session would otherwise take the browser's
    // shutdown for a crash and start a new one).
    const stop = (signal) => {
      console.error(`${this.name}: stopped by ${signal}`);
      session.close().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // `… | head`: the reader went away; stop instead of dying on an unhandled EPIPE.
    stream.on('error', (e) => {
      console.error(`${this.name}: stopped: cannot write the output (${e.code ?? e.message})`);
      session.close().finally(() => process.exit(1));
    });
    try {
      await session.start();
      exitCode = await body({ session, write });
    } catch (e) {
      console.error(`${this.name}: ${this.oneLine(e)}`);
      exitCode = 1;
    } finally {
      await session.close();
      await server.close();
      await close?.();
      if (stream !== process.stdout) await new Promise((ok) => stream.end(ok));
    }
    process.exitCode = exitCode;
  }

  /** An error from the page as one sentence: no 'Error: ', no stack lines, no throwaway server origin. */
  oneLine(e) {
    // Our messages are one line; what follows a newline is a stack trace crossing from the worker.
    let text = pageErrorText(e).split('\n')[0].trim();
    if (this.origin) text = text.split(this.origin).join('');
    return text;
  }

  /**
   * The page's `load(options)`, timed, now and after every page restart; prints `backend: B
   * (reason) loaded in S s` to stderr and answers what load answered. A failure exits 1 with
   * `could not load the WHAT: …`.
   */
  async load(session, what, options) {
    let info;
    session.prepare = async () => {
      const t0 = performance.now();
      try {
        info = await session.call((g, o) => window[g].load(o), [this.page.global, options], { timeoutMs: LOAD_TIMEOUT_MS, what: `loading the ${what}` });
      } catch (e) {
        if (e instanceof PageGone || e instanceof PageTimeout) throw e;
        this.fail(`could not load the ${what}: ${this.oneLine(e).replace(/^Could not load the (\w+ model|face detector): /, '')}`, 1);
      }
      if (session.restarts === 0) console.error(`backend: ${info.backend} (${info.reason}) loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    await session.prepare(session);
    return info;
  }
}

/** Loading compiles every pipeline; on a software adapter with the machine busy that takes a while. */
const LOAD_TIMEOUT_MS = 300_000;

/**
 * npm prints its "> emolens@… classify" banner on stdout before the CLI runs (unless `-s`), so
 * piped output is not pure JSON Lines; say so on stderr, with the two ways round it.
 */
function warnNpmBanner(name) {
  // Only when npm ran this CLI's own script: a CLI spawned by another script (`npm test`) got no banner.
  if (process.env.npm_lifecycle_event === name && process.env.npm_config_loglevel !== 'silent' && !process.stdout.isTTY) {
    console.error(`${name}: note: npm printed its banner lines on stdout before the JSON lines; for clean JSON Lines use \`npm run -s ${name} -- …\` or --out FILE`);
  }
}
