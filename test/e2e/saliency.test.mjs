// Saliency in the built app (headless Chromium): pick a FER-2013 face, turn the heat map on,
// snapshot, then Share. navigator.share/canShare are stubbed at the browser boundary only
// (evaluateOnNewDocument): once as a browser that shares files (the stub keeps the File), once as
// one that cannot (the app downloads the PNG; Chromium saves it through CDP's download behaviour).
import assert from 'node:assert/strict';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';
import { facesFrame, writeEmotionFaces, writeY4m } from './owned-images.mjs';
import { photoMeters } from './phone-helpers.mjs';

let browser;
let server;
let dir;
let face;

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-saliency-');
  face = join(dir, 'faces', (await writeEmotionFaces(join(dir, 'faces'))).find((f) => f.startsWith('happy/')));
  // A fake camera showing the golden fixtures' six faces (moving a little from frame to frame).
  const y4m = join(dir, 'camera.y4m');
  await writeY4m(y4m, [0, 2, 4, 6, 4, 2].map((shift) => facesFrame({ shift })));
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--use-fake-ui-for-media-stream'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CAM = 'emo-app-shell >>> emo-camera-view';
const SNAP = `${CAM} >>> emo-snapshot-button`;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Opens the app with a share stub, picks the face, switches the heat map on and takes a snapshot. */
async function snapshot(canShareFiles) {
  const page = await browser.newPage();
  forwardPageErrors(page, '[app]');
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.evaluateOnNewDocument((can) => {
    window.__shared = [];
    Object.defineProperty(Navigator.prototype, 'canShare', { configurable: true, value: (data) => can && !!data?.files?.length });
    Object.defineProperty(Navigator.prototype, 'share', { configurable: true, value: async (data) => { window.__shared.push(...(data.files ?? [])); } });
  }, canShareFiles);
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.emolensState === 'ready', { timeout: 180_000 });
  // The photo is opened the one way the app offers; the live view finds the face, and its heat map
  // switch draws the map over the photo.
  assert.equal((await photoMeters(page, face)).whole, false, 'the FER face is found');
  await (await page.waitForSelector(`${CAM} >>> emo-saliency-controls >>> #saliency`)).click();
  await page.waitForFunction(() => {
    const c = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot
      .querySelector('emo-saliency-layer')?.shadowRoot?.querySelector('canvas');
    if (!c || c.width < 10) return false;
    const d = c.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 60) n++;
    return n > 50;
  }, { timeout: 180_000, polling: 500 });
  await (await page.waitForSelector(`${SNAP} >>> #snapshot`)).click();
  await page.waitForSelector(`${SNAP} >>> img[part=preview]`, { timeout: 60_000 });
  return { page, errors };
}

test('saliency: heat map on, snapshot card in the DOM, Share hands the PNG file to navigator.share', async () => {
  const { page, errors } = await snapshot(true);
  try {
    const caption = await page.$eval(`${SNAP} >>> #snapshot-caption`, (e) => e.textContent.trim());
    assert.match(caption, /^emolens, \d{4}-\d\d-\d\d \d\d:\d\d: #1 (angry|disgust|fear|happy|sad|surprise|neutral) \d+\.\d%(, (female|male) \d+\.\d%)? \(heat map: looking \w+\)\.$/);
    const alt = await page.$eval(`${SNAP} >>> img[part=preview]`, (e) => e.alt);
    assert.equal(alt, caption);
    const share = await page.waitForSelector(`${SNAP} >>> #share`);
    assert.equal(await share.evaluate((b) => b.textContent.trim()), 'Share');
    await share.click();
    await page.waitForFunction(() => window.__shared.length === 1, { timeout: 30_000 });
    const rect = (await page.$eval(`${SNAP} >>> img[part=preview]`, (e) => e.dataset.faceRect)).split(',').map(Number);
    const file = await page.evaluate(async ([x, y, side]) => {
      const f = window.__shared[0];
      const bytes = new Uint8Array(await f.arrayBuffer());
      const bmp = await createImageBitmap(f);
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      const count = (rx, ry, rs) => {
        const d = ctx.getImageData(rx, ry, rs, rs).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
        return n;
      };
      let b = '';
      for (const v of bytes) b += String.fromCharCode(v);
      return { name: f.name, type: f.type, base64: btoa(b), inFace: count(x, y, side), side };
    }, rect);
    assert.equal(file.type, 'image/png');
    assert.match(file.name, /^emolens-\d{8}-\d{6}\.png$/);
    assert.deepEqual(pngSize(Buffer.from(file.base64, 'base64')), [960, 540]);
    assert.ok(file.inFace > 0.005 * file.side * file.side, `heat-map pixels inside the face area: ${file.inFace} of ${file.side ** 2}`);
    const status = await page.$eval(`${SNAP} >>> [role=status]`, (e) => e.textContent.trim());
    assert.equal(status, 'Shared.');
    assert.deepEqual(errors, [], 'no console errors (CSP included)');
  } finally {
    await page.close();
  }
});

test('saliency: without file sharing, Share becomes Download and saves the PNG card', async () => {
  const { page, errors } = await snapshot(false);
  const downloads = join(dir, 'downloads');
  try {
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const button = await page.waitForSelector(`${SNAP} >>> #share`);
    assert.equal(await button.evaluate((b) => b.textContent.trim()), 'Download');
    await button.click();
    let files = [];
    for (let i = 0; i < 100 && !files.some((f) => f.endsWith('.png')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      files = await readdir(downloads).catch(() => []);
    }
    const png = files.find((f) => /^emolens-\d{8}-\d{6}\.png$/.test(f));
    assert.ok(png, `downloaded: ${files}`);
    assert.deepEqual(pngSize(await readFile(join(downloads, png))), [960, 540]);
    assert.equal(await page.evaluate(() => window.__shared.length), 0, 'navigator.share not called');
    assert.match(await page.$eval(`${SNAP} >>> [role=status]`, (e) => e.textContent.trim()), /^Saved as emolens-.*\.png\.$/);
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await page.close();
  }
});

test('saliency: the camera view draws heat maps over the camera\'s faces (made by the camera worker) and snapshots them', async () => {
  const page = await browser.newPage();
  forwardPageErrors(page, '[app]');
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => document.documentElement.dataset.emolensState === 'ready', { timeout: 180_000 });
    await page.waitForSelector('emo-app-shell >>> emo-camera-view >>> #start:not([disabled])', { timeout: 180_000 });
    await page.$eval('emo-app-shell >>> emo-camera-view >>> #start', (el) => el.click());
    await page.waitForFunction(
      () => (document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view')?.lastResult?.faces.length ?? 0) > 0,
      { timeout: 180_000, polling: 500 },
    );
    await (await page.waitForSelector(`${CAM} >>> emo-saliency-controls >>> #saliency`)).click();
    await page.waitForFunction(() => {
      const c = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot
        .querySelector('emo-saliency-layer')?.shadowRoot?.querySelector('canvas');
      if (!c || c.width < 10) return false;
      const d = c.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 60) n++;
      return n > 100;
    }, { timeout: 180_000, polling: 500 });
    // The live frames carry their maps: made by the camera worker on that frame's crops, one per face (up to 8).
    const fromWorker = await page.waitForFunction(() => {
      const r = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').lastResult;
      return r?.saliency?.faces?.length ? { maps: r.saliency.faces.length, faces: r.faces.length, size: r.saliency.size } : false;
    }, { timeout: 120_000, polling: 250 }).then((h) => h.jsonValue());
    assert.equal(fromWorker.size, 48);
    assert.equal(fromWorker.maps, Math.min(8, fromWorker.faces));
    await (await page.waitForSelector(`${CAM} >>> emo-snapshot-button >>> #snapshot`)).click();
    await page.waitForSelector(`${CAM} >>> emo-snapshot-button >>> img[part=preview]`, { timeout: 60_000 });
    const caption = await page.$eval(`${CAM} >>> emo-snapshot-button >>> #snapshot-caption`, (e) => e.textContent.trim());
    assert.match(caption, /#\d+ (angry|disgust|fear|happy|sad|surprise|neutral) \d+\.\d%.*\(heat map: looking \w+\)/);
    const size = await page.$eval(`${CAM} >>> emo-snapshot-button >>> img[part=preview]`, async (img) => {
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    assert.deepEqual(size, [960, 540]);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
