// The built app in headless Chromium: load → ready → open a FER-2013 photo (the golden fixture's
// happy face) → probability bars;
// corrupted weights → state error with the message; no WebGPU → CPU with a visible notice.
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';
import { writeEmotionFaces } from './owned-images.mjs';
import { photoMeters } from './phone-helpers.mjs';

let browser;
let server;
let dir;
let face;

before(async () => {
  await ensureBuilt();
  dir = await tempDir();
  face = join(dir, 'faces', (await writeEmotionFaces(join(dir, 'faces'))).find((f) => f.startsWith('happy/')));
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const state = (page) => page.evaluate(() => document.documentElement.dataset.emolensState);

/** Console messages per page, to catch CSP violations and uncaught errors. */
const consoleErrors = new WeakMap();

async function openApp(url, setup) {
  const page = await browser.newPage();
  forwardPageErrors(page, '[app]');
  const errors = [];
  consoleErrors.set(page, errors);
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  if (setup) await setup(page);
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 120_000 });
  return page;
}

/** Text of every role=alert inside the app (alerts live in shadow roots). */
const alerts = (page) => page.$$eval('emo-app-shell >>> [role=alert]', (els) => els.map((e) => e.textContent.trim()).filter(Boolean));
const notice = (page) => page.$eval('emo-app-shell >>> emo-backend-notice >>> [role=status]', (e) => e.textContent.replace(/\s+/g, ' ').trim());
const backendLine = (page) => page.$eval('emo-app-shell >>> #backend-line', (e) => e.textContent.trim());

test('app: ready, then an opened FER-2013 photo shows seven probability bars', async () => {
  const page = await openApp(server.url);
  try {
    assert.equal(await state(page), 'ready', `alerts: ${await alerts(page)}`);
    assert.match(await backendLine(page), /run on the (graphics|main) processor \((WebGPU|CPU|CPU, WebAssembly)\)/);
    const { whole, values: meters } = await photoMeters(page, face);
    assert.equal(meters.length, 7);
    assert.ok(Math.abs(meters.reduce((a, b) => a + b, 0) - 100) < 0.5, `bars sum to ${meters}`);
    if (whole) {
      const top = await page.$eval('emo-app-shell >>> emo-emotion-meter >>> .top', (e) => e.textContent.replace(/\s+/g, ' ').trim());
      assert.match(top, /^Most likely: (Angry|Disgust|Fear|Happy|Sad|Surprise|Neutral) \(\d+\.\d%\)$/);
    }
    assert.deepEqual(await alerts(page), []);
    assert.deepEqual(consoleErrors.get(page), [], 'no console errors (CSP violations included)');
  } finally {
    await page.close();
  }
});

test('app: truncated weights → data-emolens-state=error and a visible alert naming the problem', async () => {
  const broken = join(dir, 'dist-broken');
  await cp(join(root, 'dist'), broken, { recursive: true });
  const st = join(broken, 'weights', 'emotion.safetensors');
  const bytes = await readFile(st);
  await writeFile(st, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const s2 = await serveStatic({ root: broken });
  const page = await openApp(s2.url);
  try {
    assert.equal(await state(page), 'error');
    const text = (await alerts(page)).join(' ');
    assert.match(text, /emotion\.safetensors/, text);
    assert.match(text, /tensor|truncat|bytes/i, text);
    const visible = await page.$$eval('emo-app-shell >>> [role=alert]', (els) => els.some((e) => e.textContent.includes('emotion.safetensors') && e.getBoundingClientRect().height > 0));
    assert.ok(visible, 'the alert is visible');
  } finally {
    await page.close();
    await s2.close();
  }
});

test('app: without navigator.gpu (page and worker) it runs on the CPU and says WebGPU is unavailable', async () => {
  const page = await openApp(server.url, async (p) => {
    // The blob worker wrapper below is not 'self' for the page's CSP; this test is about WebGPU.
    await p.setBypassCSP(true);
    await p.evaluateOnNewDocument(() => {
      delete Navigator.prototype.gpu;
      const NativeWorker = window.Worker;
      window.Worker = class extends NativeWorker {
        constructor(url, options) {
          const src = `import ${JSON.stringify(new URL(url, location.href).href)}; delete WorkerNavigator.prototype.gpu;`;
          super(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), options);
        }
      };
    });
  });
  try {
    assert.equal(await page.evaluate(() => 'gpu' in navigator), false);
    assert.equal(await state(page), 'ready', `alerts: ${await alerts(page)}`);
    const text = await notice(page);
    assert.match(await backendLine(page), /run on the main processor \(CPU, WebAssembly\), because this browser offers no WebGPU/);
    assert.match(text, /WebGPU unavailable: .*navigator\.gpu/);
    // The CPU path is our WebAssembly kernels, not the TypeScript reference.
    assert.equal(await page.$eval('emo-app-shell >>> #backend-line', (e) => e.dataset.backend), 'wasm');
    assert.ok(await page.$eval('emo-app-shell >>> emo-backend-notice', (e) => e.getBoundingClientRect().height > 0), 'notice visible');
  } finally {
    await page.close();
  }
});
