// The installable, offline PWA, from the production build on localhost in headless Chromium:
// (a) the first visit installs the service worker and precaches the build; offline, a reload boots
//     the app, loads the weights and classifies a FER-2013 face through the worker;
// (b) after install no request leaves localhost, and while offline none reaches the server;
// (c) a rebuild with a changed weight file: the update prompt appears, the old revision is served
//     until the user presses Update, then the new one;
// (d) Chromium finds the app installable: `beforeinstallprompt` fires and the Install button shows;
// (e) the Content-Security-Policy header (tools/serve.mjs) is each page's <meta> policy, and the
//     workers run under it: no WebAssembly in the inference worker or the service worker (also
//     when served from the precache), but in the bench worker.
//
// Requests are seen two ways: the server counts what reaches it, and DevTools' Network domain on
// the page, its worker and the service worker records every URL they ask for. (A trap proxy for
// other hosts was tried: it only catches Chromium's own component-updater and account traffic,
// which no page can cause or stop, so it cannot tell the app's requests apart.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from '../../esbuild.config.mjs';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { precacheManifest } from '../../tools/precache.mjs';
import { root, tempDir } from './helpers.mjs';
import { writeEmotionFaces } from './owned-images.mjs';
import { photoMeters } from './phone-helpers.mjs';
import { countingServer, networkRecorder } from './request-recorders.mjs';

let browser;
let dir;
let face;
/** The production build, in a folder of its own: test tools add pages to the shared dist/. */
let dist;

before(async () => {
  dir = await tempDir('emolens-pwa-');
  dist = await build({ outdir: join(dir, 'dist'), quiet: true, clean: true });
  face = join(dir, 'faces', (await writeEmotionFaces(join(dir, 'faces'))).find((f) => f.startsWith('happy/')));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const state = (page) => page.evaluate(() => document.documentElement.dataset.emolensState);
const alerts = (page) => page.$$eval('emo-app-shell >>> [role=alert]', (els) => els.map((e) => e.textContent.trim()).filter(Boolean));

async function waitReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 120_000 });
  assert.equal(await state(page), 'ready', `alerts: ${await alerts(page)}`);
}

/** Waits until a service worker controls the page and the UI says "Available offline". */
async function waitOfflineReady(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 60_000 });
  await page.waitForSelector('emo-app-shell >>> emo-offline-status >>> [data-offline-ready=true]', { timeout: 60_000 });
}

/** Opens `file` in the app and returns the seven meter values (percent). */
async function classify(page, file) {
  return (await photoMeters(page, file)).values;
}

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** SHA-256 of what the page gets for `path` (through the service worker when it controls the page). */
const servedHash = (page, path) =>
  page.evaluate(async (p) => {
    const bytes = new Uint8Array(await (await fetch(p)).arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, path);

const isLocal = (url) => /^(https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/|data:|blob:|chrome-extension:|about:)/.test(url);

test('PWA (a)+(b): installs and precaches; offline reload boots, loads weights and classifies; nothing leaves localhost', async () => {
  const server = await countingServer(dist);
  const context = await browser.createBrowserContext();
  const net = networkRecorder(context);
  const page = await context.newPage();
  forwardPageErrors(page, '[pwa]');
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await net.attachExisting();
    await page.goto(server.url);
    await waitReady(page);
    await waitOfflineReady(page);

    // Everything the build lists is in the precache, under its revision.
    const { entries } = await precacheManifest(dist);
    const cached = await page.evaluate(async () => {
      const out = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) out.push(r.url);
      return out;
    });
    for (const e of entries) {
      const want = new URL(`${e.url}?__WB_REVISION__=${e.revision}`, server.url).href;
      assert.ok(cached.includes(want), `precached: ${want}`);
    }
    assert.ok(entries.some((e) => e.url === 'weights/emotion.safetensors'), 'the weights are precached');
    assert.ok(entries.some((e) => e.url === 'inference.worker.js'), 'the worker is precached');

    // Offline: DevTools network emulation for the page, its worker and the service worker, and
    // the server resets every connection.
    const before = server.hits.length;
    const recorded = net.urls.length;
    await page.setOfflineMode(true);
    await net.setOffline(true);
    server.down = true;
    await page.reload();
    await waitReady(page);
    assert.equal(await page.evaluate(() => navigator.onLine), false, 'the page believes it is offline');
    const meters = await classify(page, face);
    assert.equal(meters.length, 7);
    assert.ok(Math.abs(meters.reduce((a, b) => a + b, 0) - 100) < 0.5, `bars sum to ${meters}`);
    const badge = await page.$eval('emo-app-shell >>> emo-offline-status >>> [role=status]', (e) => e.textContent.trim());
    assert.match(badge, /Offline: running from this device/);
    // The browser itself checks /sw.js for an update after each navigation; DevTools' emulation
    // does not cover that check (no page or worker makes it), so it meets the reset connection,
    // as it would meet a dead network. Nothing else may try.
    assert.deepEqual(server.hits.slice(before).filter((u) => u !== '/sw.js'), [], 'no request of the app reached the server while offline');
    const offline = net.urls.slice(recorded).filter((r) => r.url.startsWith('http'));
    assert.ok(offline.some((r) => r.target === 'worker' && r.url.endsWith('/weights/emotion.safetensors')), 'the worker asked for the weights');
    // (A worker's script shows on the page without a response event; the server count above
    // covers it.)
    const bad = offline.filter((r) => r.failed || r.response === 'network').map((r) => `${r.target} ${r.url} ${r.failed || r.response}`);
    assert.deepEqual(bad, [], 'offline, nothing fails and nothing comes from the network');

    // Back online: still nothing but localhost, and the only thing fetched is the update check.
    await page.setOfflineMode(false);
    await net.setOffline(false);
    server.down = false;
    const onlineFrom = server.hits.length;
    await page.reload();
    await waitReady(page);
    assert.deepEqual(
      server.hits.slice(onlineFrom).filter((u) => u !== '/sw.js'),
      [],
      'an installed app asks the server for nothing but the service worker update check',
    );
    const foreign = net.urls.map((r) => r.url).filter((u) => !isLocal(u));
    assert.deepEqual(foreign, [], 'every request is for localhost');
    assert.deepEqual(errors, [], 'no console errors (CSP violations included)');
  } finally {
    await context.close();
    await server.close();
  }
});

test('PWA (c): a rebuild with changed weights is offered as an update; the old revision is served until the user accepts', async () => {
  // Two builds: A with the shipped weights, B with one float of emotion.safetensors changed.
  const weightsB = join(dir, 'weights-b');
  await cp(join(root, 'weights'), weightsB, { recursive: true });
  const st = join(weightsB, 'emotion.safetensors');
  const bytes = await readFile(st);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const last = bytes.length - 4;
  const v = view.getFloat32(last, true);
  view.setFloat32(last, v === 0 ? 1e-6 : v * 1.001, true);
  await writeFile(st, bytes);
  // A real re-export writes the new file's digest into its manifest (src/nn/integrity.ts checks it).
  const manifest = JSON.parse(await readFile(join(weightsB, 'emotion.json'), 'utf8'));
  manifest.weights.sha256 = sha(bytes);
  await writeFile(join(weightsB, 'emotion.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const distA = dist;
  const distB = await build({ outdir: join(dir, 'dist-b'), quiet: true, weights: weightsB });
  const hashA = sha(await readFile(join(distA, 'weights/emotion.safetensors')));
  const hashB = sha(await readFile(join(distB, 'weights/emotion.safetensors')));
  assert.notEqual(hashA, hashB);
  assert.notEqual(await readFile(join(distA, 'sw.js'), 'utf8'), await readFile(join(distB, 'sw.js'), 'utf8'), 'the new build has a new sw.js');
  // And the same sources give the same sw.js, so a rebuild alone never prompts an update.
  const again = await build({ outdir: join(dir, 'dist-a2'), quiet: true, clean: true });
  assert.equal(await readFile(join(again, 'sw.js'), 'utf8'), await readFile(join(distA, 'sw.js'), 'utf8'), 'rebuilding unchanged sources gives the same sw.js');

  // The server's root is a link, swapped from A to B as a deploy would.
  const live = join(dir, 'live');
  await symlink(distA, live);
  const server = await countingServer(live);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  forwardPageErrors(page, '[pwa-update]');
  const prompt = 'emo-app-shell >>> emo-update-prompt >>> button';
  try {
    await page.goto(server.url);
    await waitReady(page);
    await waitOfflineReady(page);
    assert.equal(await servedHash(page, 'weights/emotion.safetensors'), hashA);
    assert.equal(await page.$(prompt), null, 'no update prompt on the first visit');

    await unlink(live);
    await symlink(distB, live);
    // The next navigation makes the browser check sw.js; B installs beside A and waits.
    const reloads = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && reloads.push(f.url()));
    await page.reload();
    await waitReady(page);
    const button = await page.waitForSelector(prompt, { visible: true, timeout: 60_000 });
    await page.waitForFunction(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting), { timeout: 60_000 });
    const navigations = reloads.length;
    assert.equal(await servedHash(page, 'weights/emotion.safetensors'), hashA, 'A is served while B waits');
    // Another reload: still A (and still the prompt): nothing changes under the user's feet.
    await page.reload();
    await waitReady(page);
    await page.waitForSelector(prompt, { visible: true, timeout: 60_000 });
    assert.equal(await servedHash(page, 'weights/emotion.safetensors'), hashA, 'A is still served after a reload');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(reloads.length, navigations + 1, 'only the reload we made');

    // The user accepts: skipWaiting, the new worker takes control, the page reloads once.
    const reloaded = page.waitForNavigation({ timeout: 60_000 });
    await (await page.waitForSelector(prompt, { visible: true })).click();
    await reloaded;
    await waitReady(page);
    assert.equal(await servedHash(page, 'weights/emotion.safetensors'), hashB, 'B is served after the update');
    assert.equal(await page.$(prompt), null, 'the prompt is gone');
    assert.ok(button, 'the prompt was shown');
    const keys = await page.evaluate(async () => {
      const out = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) out.push(r.url);
      return out;
    });
    const revA = (await precacheManifest(distA)).entries.find((e) => e.url === 'weights/emotion.safetensors').revision;
    assert.ok(!keys.some((k) => k.endsWith(`weights/emotion.safetensors?__WB_REVISION__=${revA}`)), 'the old revision is dropped');
  } finally {
    await context.close();
    await server.close();
  }
});

test('PWA (d): Chromium finds it installable: beforeinstallprompt fires and the Install button appears', async () => {
  const server = await countingServer(dist);
  // Not an incognito context: Chromium never offers installation there.
  const page = await browser.newPage();
  forwardPageErrors(page, '[pwa-install]');
  try {
    await page.evaluateOnNewDocument(() => {
      window.__bip = new Promise((ok) => addEventListener('beforeinstallprompt', () => ok(true), { once: true }));
    });
    await page.goto(server.url);
    await waitReady(page);
    const fired = await page.evaluate(() => Promise.race([window.__bip, new Promise((ok) => setTimeout(() => ok(false), 30_000))]));
    const cdp = await page.createCDPSession();
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.equal(fired, true, `beforeinstallprompt fired (installability errors: ${JSON.stringify(installabilityErrors)})`);
    assert.deepEqual(installabilityErrors, []);
    const { errors, url } = await cdp.send('Page.getAppManifest');
    assert.deepEqual(errors, [], 'the manifest parses cleanly');
    assert.match(url, /manifest\.webmanifest$/);
    await page.waitForSelector('emo-app-shell >>> emo-install-button >>> button', { visible: true, timeout: 10_000 });
    const manifest = JSON.parse(await readFile(join(dist, 'manifest.webmanifest'), 'utf8'));
    assert.equal(manifest.name, 'emolens');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) {
      const png = await readFile(join(dist, icon.src));
      const [w, h] = icon.sizes.split('x').map(Number);
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [w, h], `${icon.src} is ${icon.sizes}`);
    }
    assert.deepEqual(new Set(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)), new Set(['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']));
    assert.deepEqual(manifest.screenshots.map((s) => s.form_factor).sort(), ['narrow', 'wide']);
  } finally {
    await page.close();
    await server.close();
  }
});

test('PWA (e): the CSP reaches the workers too: each page sends its <meta> policy as a header; the page and the service worker run under the app\'s (no WebAssembly), the inference worker may compile our wasm kernels, the bench worker those and its peers\'', async () => {
  const server = await countingServer(dist);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  forwardPageErrors(page, '[pwa-csp]');
  /** Whether this context may compile WebAssembly ('wasm-unsafe-eval'): blocked by a CSP without it. */
  const wasm = () => {
    try {
      new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return 'allowed';
    } catch {
      return 'blocked';
    }
  };
  const workerNamed = (suffix) => new Promise((ok) => {
    const seen = (w) => w.url().endsWith(suffix) && ok(w);
    page.workers().forEach(seen);
    page.on('workercreated', seen);
  });
  try {
    for (const name of ['index.html', 'classify.html', 'analyze.html']) {
      const res = await fetch(new URL(name, server.url));
      const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(await res.text())?.[1];
      assert.ok(meta, `${name} has a <meta> policy`);
      assert.equal(res.headers.get('content-security-policy'), meta, `${name}: the header is the <meta> policy`);
    }
    await page.goto(server.url);
    await waitReady(page);
    await waitOfflineReady(page);
    assert.equal(await page.evaluate(wasm), 'blocked', 'the page');
    assert.equal(await (await workerNamed('/inference.worker.js')).evaluate(wasm), 'allowed', 'the inference worker (wasm kernels)');
    const sw = await context.waitForTarget((t) => t.type() === 'service_worker');
    assert.equal(await (await sw.worker()).evaluate(wasm), 'blocked', 'the service worker');
    // Served from the precache, the worker keeps the policy it was cached with.
    await page.reload();
    await waitReady(page);
    assert.equal(await (await workerNamed('/inference.worker.js')).evaluate(wasm), 'allowed', 'the inference worker, from the precache');
    const bench = workerNamed('/bench/bench.worker.js');
    await page.evaluate(() => {
      window.__benchWorker = new Worker('bench/bench.worker.js', { type: 'module' });
    });
    // A worker target can be reached before its script (and the policy sent with it) is in force,
    // when it still runs under its creator's policy: ask until its own policy answers, for 30 s.
    const benchWorker = await bench;
    let answer = 'blocked';
    for (const until = Date.now() + 30_000; answer !== 'allowed' && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      answer = await benchWorker.evaluate(wasm);
    }
    assert.equal(answer, 'allowed', 'the bench worker');
  } finally {
    await context.close();
    await server.close();
  }
});
