// Damaged weights never give answers (issue 15, cases 1 and 8): in a copy of the build, 100 bytes in
// the middle of each weights file are flipped (structure, shapes and finiteness survive that, so
// only the manifest's SHA-256 can tell); both CLIs then stop with exit code 1 and one sentence
// naming the file, and nothing on stdout. In the installed PWA, a damaged cached copy is evicted
// and replaced by a good one while online; offline, the app says which file is damaged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from '../../esbuild.config.mjs';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { parseJsonl, runTool, tempDir } from './helpers.mjs';

let dir;
let dist;
let image;

before(async () => {
  dir = await tempDir('emolens-robust-weights-');
  dist = await build({ outdir: join(dir, 'dist'), quiet: true, clean: true });
  image = join(dir, 'a.png');
  const ff = spawnSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x96', '-frames:v', '1', image]);
  assert.equal(ff.status, 0, `ffmpeg (Debian package) makes the test image: ${ff.stderr}`);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A copy of the build with 100 bytes in the middle of weights/<model>.safetensors inverted. */
async function damagedBuild(model) {
  const copy = join(dir, `dist-${model}`);
  await cp(dist, copy, { recursive: true });
  const file = join(copy, 'weights', `${model}.safetensors`);
  const bytes = await readFile(file);
  const mid = bytes.length >> 1;
  for (let i = mid; i < mid + 100; i++) bytes[i] ^= 0xff;
  await writeFile(file, bytes);
  return copy;
}

const runs = [
  ['emotion', 'classify', (d) => ['--dist', d, image], 'could not load the model'],
  ['gender', 'classify', (d) => ['--dist', d, '--model', 'gender', image], 'could not load the model'],
  ['yunet', 'analyze', (d) => ['--dist', d, '--no-gender', image], 'could not load the pipeline'],
];

test('the undamaged build answers (the control for the damaged ones)', async () => {
  const r = await runTool('classify', ['--dist', dist, image]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parseJsonl(r.stdout).length, 1);
  const a = await runTool('analyze', ['--dist', dist, '--no-gender', image]);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(parseJsonl(a.stdout).map((l) => l.frame), [0]);
});

for (const [model, tool, args, what] of runs) {
  test(`${tool} with a damaged weights/${model}.safetensors: exit 1, one sentence naming the file, no output lines`, async () => {
    const d = await damagedBuild(model);
    const t0 = performance.now();
    const r = await runTool(tool, args(d));
    const s = (performance.now() - t0) / 1000;
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '', 'no JSON lines from damaged weights');
    const line = r.stderr.split('\n').find((l) => l.startsWith(`${tool}: `));
    assert.match(line, new RegExp(`^${tool}: ${what}: weights/${model}\\.safetensors is damaged or from another build: its SHA-256 is [0-9a-f]{12}… where its manifest says [0-9a-f]{12}…$`));
    assert.doesNotMatch(r.stderr, /https?:\/\/|\n\s+at /, 'no server URL, no stack lines');
    console.error(`# ${tool}, damaged ${model}: exit ${r.code} in ${s.toFixed(1)} s`);
  });
}

test('PWA: a damaged cached weights file is evicted and refetched while online; offline the app names the damaged file', async () => {
  const server = await serveStatic({ root: dist });
  const browser = await launchBrowser();
  try {
    const page = await (await browser.createBrowserContext()).newPage();
    const state = () => page.evaluate(() => document.documentElement.dataset.emolensState);
    const settled = () => page.waitForFunction(() => !['loading', undefined].includes(document.documentElement.dataset.emolensState), { timeout: 120_000 });
    await page.goto(server.url);
    await settled();
    assert.equal(await state(), 'ready');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 60_000 });
    await page.waitForSelector('emo-app-shell >>> emo-offline-status >>> [data-offline-ready=true]', { timeout: 60_000 });
    const good = (await readFile(join(dist, 'weights/emotion.safetensors'))).toString('base64');
    /** Replaces the precached emotion weights with a copy with 100 bytes inverted; answers the cache key. */
    const damageCache = () => page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) {
          if (!new URL(req.url).pathname.endsWith('/weights/emotion.safetensors')) continue;
          const bytes = new Uint8Array(await (await cache.match(req)).arrayBuffer());
          const mid = bytes.length >> 1;
          for (let i = mid; i < mid + 100; i++) bytes[i] ^= 0xff;
          await cache.put(req, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
          return req.url;
        }
      }
      return '';
    });
    const cachedBase64 = (key) => page.evaluate(async (k) => {
      for (const name of await caches.keys()) {
        const r = await (await caches.open(name)).match(k);
        if (!r) continue;
        const b = new Uint8Array(await r.arrayBuffer());
        let s = '';
        for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
        return btoa(s);
      }
      return '';
    }, key);

    const key = await damageCache();
    assert.ok(key, 'the weights are precached');
    assert.notEqual(await cachedBase64(key), good, 'the cached copy is damaged');
    await page.reload();
    await settled();
    assert.equal(await state(), 'ready', 'online, the app starts with a good copy');
    assert.equal(await cachedBase64(key), good, 'the cache holds the good copy again');

    // Offline (the server is gone): the damaged copy cannot be replaced; the app says so.
    await damageCache();
    await server.close();
    await page.reload();
    await settled();
    assert.equal(await state(), 'error');
    const alert = await page.$$eval('emo-app-shell >>> [role=alert]', (els) => els.map((e) => e.textContent.trim()).join(' '));
    assert.match(alert, /weights\/emotion\.safetensors is damaged or from another build/);
  } finally {
    await browser.close();
    await server.close().catch(() => undefined);
  }
});
