// Cross-origin isolation, which gives the wasm kernels their threads (SharedArrayBuffer):
// (a) tools/serve.mjs sends COOP/COEP, the page is isolated, and on the wasm path (?backend=wasm)
//     the backend line says how many threads the CPU path uses (one fewer than the cores, 1..4);
// (b) a static host without those headers (serveStatic isolate: false): the first visit is not
//     isolated and says why it runs one thread; once the service worker controls the page, a
//     reload is served from the precache with the headers (src/sw/isolation.ts) and is isolated.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from '../../esbuild.config.mjs';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { tempDir } from './helpers.mjs';

let browser;
let dir;
let dist;

before(async () => {
  dir = await tempDir('emolens-isolation-');
  dist = await build({ outdir: join(dir, 'dist'), quiet: true, clean: true, sampleClip: null });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const line = (page) => page.$eval('emo-app-shell >>> #backend-line', (e) => e.textContent.trim());

async function waitLine(page) {
  await page.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 180_000 });
  await page.waitForSelector('emo-app-shell >>> #backend-line', { timeout: 60_000 });
}

test('served by tools/serve.mjs: COOP/COEP on every file, an isolated page, the CPU path on as many threads as the cores allow', async () => {
  const server = await serveStatic({ root: dist });
  const page = await browser.newPage();
  forwardPageErrors(page);
  try {
    for (const path of ['', 'inference.worker.js', 'kernel.worker.js', 'weights/emotion.json']) {
      const res = await fetch(new URL(path, server.url));
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp', path);
    }
    await page.goto(`${server.url}?backend=wasm`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    await waitLine(page);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const want = Math.max(1, Math.min(4, cores - 1)); // src/kernels/wasm/thread-count.ts defaultWasmThreads
    assert.match(await line(page), want > 1 ? new RegExp(`The CPU path uses ${want} threads\\.`) : /The CPU path uses one thread(, because [^.]+)?\./);
  } finally {
    await page.close();
    await server.close();
  }
});

test('a host without the headers: the first visit runs one thread and says why; the reload through the service worker is isolated', async () => {
  const server = await serveStatic({ root: dist, isolate: false });
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  forwardPageErrors(page);
  try {
    const res = await fetch(server.url);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
    await page.goto(`${server.url}?backend=wasm`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    await waitLine(page);
    assert.match(await line(page), /The CPU path uses one thread, because the page is not cross-origin isolated\./);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 120_000 });
    await page.reload();
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the service worker added COOP/COEP');
    assert.equal(await page.evaluate(() => typeof SharedArrayBuffer), 'function');
  } finally {
    await context.close();
    await server.close();
  }
});
