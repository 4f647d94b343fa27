// A tiny static file server for dist/ (the app, the classify page, the weights), reused by
// `npm start`, the classify CLI and the e2e tests. Localhost only, GET/HEAD only, no directory
// listings; `/` serves index.html. WebGPU needs a secure context, and http://localhost is one
// (so are service workers).
//
// Content-Security-Policy goes out as a header too, because a <meta> reaches only its own document:
// dedicated workers and the service worker take the policy of their own response. The policy is
// written nowhere here: an HTML page is sent with the one in its own <meta http-equiv=
// "Content-Security-Policy">, and a worker script (sw.js, *.worker.js) with that of <root>/index.html,
// the app page that starts it, plus WORKER_SOURCES. A file with no such page gets no header.
//
// Every response is cross-origin isolated (COOP same-origin + COEP require-corp, ISOLATION below):
// that is what gives the page SharedArrayBuffer, and so the wasm kernels' worker pool (threads).
// Everything the app loads is same-origin, so require-corp blocks nothing. Static hosts that cannot
// set headers get the same two from the service worker (src/sw/isolation.ts) after the first load.
//
//   node tools/serve.mjs [--root dist] [--port 8000]    (npm run preview -- --port N)
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.onnx': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.wgsl': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * What a worker needs beyond its page's policy: WebAssembly compiles only in workers, never in a
 * page: the inference worker runs our wasm kernels (src/kernels/wasm/), the bench worker those and
 * its peers' (onnxruntime-web, TF.js).
 */
const WASM = { 'script-src': ["'wasm-unsafe-eval'"] };
// TF.js wasm starts its threads' workers from blob: URLs that importScripts another blob: (bench
// --threads N > 1 only; the bench is a developer tool, never precached).
const BLOB_WORKERS = { 'script-src': ["'wasm-unsafe-eval'", 'blob:'], 'worker-src': ['blob:'] };
const WORKER_SOURCES = { 'inference.worker.js': WASM, 'bench/bench.worker.js': BLOB_WORKERS, 'kernel.worker.js': WASM };

/** The policy of an HTML text's <meta http-equiv="Content-Security-Policy">, or undefined. */
export function metaCsp(html) {
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/\shttp-equiv\s*=\s*["']?content-security-policy["'\s>/]/i.test(tag)) continue;
    const m = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (m) return (m[1] ?? m[2]).replace(/\s+/g, ' ').trim();
  }
  return undefined;
}

/** `policy` with `sources` added to its directives (a missing one starts from default-src's). */
export function addSources(policy, sources) {
  const parts = policy.split(';').map((d) => d.trim()).filter(Boolean);
  const index = (name) => parts.findIndex((d) => d.split(/\s+/)[0].toLowerCase() === name);
  for (const [name, add] of Object.entries(sources)) {
    let i = index(name);
    if (i < 0) {
      const fallback = parts[index('default-src')];
      parts.push([name, ...(fallback ? fallback.split(/\s+/).slice(1) : [])].join(' '));
      i = parts.length - 1;
    }
    const have = parts[i].split(/\s+/);
    parts[i] = [...have, ...add.filter((s) => !have.includes(s))].join(' ');
  }
  return parts.join('; ');
}

/** The headers that make a page (and its workers) cross-origin isolated: SharedArrayBuffer, wasm threads. */
export const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

const isWorkerScript = (path) => /(^|\/)(sw|[^/]*\.worker)\.js$/.test(path);

/**
 * The header policy for the file at URL path `path` (under `base`); `html` is its text when it is a page.
 * @returns {Promise<string | undefined>}
 */
async function policyFor(base, path, html) {
  if (html !== undefined) return metaCsp(html);
  if (!isWorkerScript(path)) return undefined;
  let page;
  try {
    page = metaCsp(await readFile(join(base, 'index.html'), 'utf8'));
  } catch {
    return undefined;
  }
  const extra = WORKER_SOURCES[path.replace(/^\//, '')];
  return page && extra ? addSources(page, extra) : page;
}

/**
 * Serves `root` on http://127.0.0.1:<port> (port 0 = a free one).
 * `onRequest` sees every request that reaches the server (the PWA tests count them).
 * `memoryFiles` (path → Buffer) are served from memory ahead of `root`: the CLIs hand their pages
 * each input file this way (tools/cli.mjs `offer`) instead of as a base64 string over DevTools.
 * `isolate: false` leaves out COOP/COEP, as a static host that cannot set headers would (tests).
 * `portTries` > 1 moves on to the next ports when `port` is taken (npm start, npm run preview).
 * @param {{ root: string, port?: number, host?: string, quiet?: boolean, isolate?: boolean, portTries?: number,
 *   onRequest?: (req: import('node:http').IncomingMessage) => void, memoryFiles?: Map<string, Buffer> }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveStatic({ root, port = 0, host = '127.0.0.1', quiet = true, isolate = true, onRequest, portTries = 1, memoryFiles }) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    onRequest?.(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const held = memoryFiles?.get(path);
    if (held) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': held.length, 'Cache-Control': 'no-store', ...(isolate ? ISOLATION : {}) });
      res.end(req.method === 'HEAD' ? undefined : held);
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    const ext = extname(file).toLowerCase();
    let info;
    /** A page is read whole (it is small) for its <meta> policy, and sent as read. */
    let body;
    try {
      info = await stat(file);
      if (info.isFile() && ext === '.html') body = await readFile(file);
    } catch {
      info = undefined;
    }
    if (!info?.isFile()) {
      if (!quiet) console.error(`404 ${path}`);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    const csp = await policyFor(base, path, body?.toString('utf8'));
    res.writeHead(200, {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'Content-Length': body?.length ?? info.size,
      // The app is rebuilt in place during development: never let the browser keep a stale copy.
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(isolate ? ISOLATION : {}),
      ...(csp ? { 'Content-Security-Policy': csp } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (body) res.end(body);
    else createReadStream(file).pipe(res);
  });
  await listenOnFreePort(server, port, host, portTries);
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actualPort}/`,
    port: actualPort,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/**
 * Listens on `port`, or when it is taken and `tries` > 1, on the next free one of port+1… (a second
 * `npm start` beside a running one should still come up, and say where).
 */
async function listenOnFreePort(server, port, host, tries) {
  for (let i = 0; ; i++) {
    try {
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port + i, host, () => {
          server.off('error', fail);
          ok(undefined);
        });
      });
      if (i > 0) console.error(`port ${port} is in use: serving on ${port + i} instead (set PORT or --port to choose)`);
      return;
    } catch (e) {
      if (e?.code !== 'EADDRINUSE' || port === 0 || i + 1 >= tries) {
        if (e?.code === 'EADDRINUSE') throw new Error(`port ${port} is in use: choose another with PORT=<n> or --port <n>`);
        throw e;
      }
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { root: { type: 'string', default: 'dist' }, port: { type: 'string', default: process.env.PORT ?? '8000' } },
  });
  const server = await serveStatic({ root: values.root, port: Number(values.port), quiet: false, portTries: 10 });
  console.log(`serving ${resolve(values.root)} at ${server.url} (Ctrl+C to stop)`);
}
