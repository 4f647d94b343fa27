// The camera pipeline in the built app, in headless Chromium, on inputs the repository owns: a fake
// camera showing the golden fixtures' six faces (test/e2e/owned-images.mjs, a Y4M clip in which
// they move a little), photos through the file input (a blank image, the six faces, an odd 333×517
// frame), the gender setting, a lost GPU device, and a denied camera and a machine without one on
// a build without the sample clip. Frames take ~1-3 s each on SwiftShader, so each test waits for
// only a few. On the data folder's media: test/data/camera-media.test.mjs.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from '../../esbuild.config.mjs';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { LABEL, faceTexts, frames, openApp as openPage, pick, tap, text, view, waitFrames } from './camera-page.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';
import { encodePng, facesFrame, writeY4m } from './owned-images.mjs';

let browser;
let server;
let dir;

/** Writes an RGB frame as a PNG file; returns its path. */
async function png(name, { width, height, rgb }) {
  const file = join(dir, name);
  await writeFile(file, encodePng(width, height, 3, rgb));
  return file;
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-camera-');
  const y4m = join(dir, 'camera.y4m');
  // 5 fps, 8 frames: a 1.6 s loop in which the faces move by up to 8 px, small steps that track
  // matching bridges at SwiftShader's ~1 analysed frame a second.
  await writeY4m(y4m, [0, 2, 4, 6, 8, 6, 4, 2].map((shift) => facesFrame({ shift })), 5);
  await png('blank.png', { width: 320, height: 240, rgb: new Uint8Array(320 * 240 * 3).fill(255) });
  await png('faces.png', facesFrame());
  await png('odd-333x517.png', facesFrame({ width: 333, height: 517 }));
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser({
    args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const openApp = (setup, query = '') => openPage(browser, `${server.url}${query}`, setup);

test('fake camera (six faces): faces found, track ids stable across frames, labels and HUD frame rate shown', async () => {
  // WebGPU asked for: 'auto' on SwiftShader times the backends at load and may put the detector on wasm.
  const { page, errors } = await openApp(undefined, '?backend=webgpu');
  try {
    await tap(page, `${view} >>> #start`);
    await waitFrames(page, 4);
    const fs = await frames(page);
    assert.ok(fs.every((f) => f.width === 640 && f.height === 480), 'camera frames are 640x480');
    const withFaces = fs.filter((f) => f.faces.length > 0);
    assert.ok(withFaces.length >= 3, `faces in ${withFaces.length} of ${fs.length} frames`);
    // The same people stay in view: the first frame's ids must mostly persist in the last.
    const first = new Set(fs[0].faces.map((f) => f.track));
    const last = fs.at(-1).faces.map((f) => f.track);
    const kept = last.filter((id) => first.has(id)).length;
    assert.ok(kept >= Math.min(2, first.size), `ids ${[...first]} → ${last}`);
    for (const f of fs.at(-1).faces) {
      assert.equal(Object.keys(f.emotion.probs).length, 7);
      assert.ok(['female', 'male'].includes(f.gender?.label), 'gender on by default');
    }
    const items = await faceTexts(page);
    assert.ok(items.length >= 1 && items.every((t) => LABEL.test(t)), `face list: ${items}`);
    const hud = await text(page, '#hud');
    const fps = Number(/([\d.]+) fps/.exec(hud)?.[1]);
    assert.ok(fps > 0, `HUD: ${hud}`);
    assert.match(hud, /faces? · detect \d+ ms · classify \d+ ms$/);
    assert.equal(fs.at(-1).backend, 'webgpu');
    // ~30 camera frames a second against ~1 analysed: the rest are dropped, never queued.
    const { dropped, analysed } = await page.$eval(view, (el) => ({ dropped: el.framesDropped, analysed: el.framesAnalyzed }));
    assert.ok(dropped > analysed, `dropped ${dropped}, analysed ${analysed}`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('?backend=wasm: the live view runs on the WebAssembly kernels (detector and classifiers): faces, labels, the backend line says wasm', async () => {
  const { page, errors } = await openApp(undefined, '?backend=wasm');
  try {
    await tap(page, `${view} >>> #start`);
    await waitFrames(page, 4);
    const fs = await frames(page);
    assert.ok(fs.every((f) => f.backend === 'wasm'), `frame backends: ${fs.map((f) => f.backend)}`);
    const withFaces = fs.filter((f) => f.faces.length > 0);
    assert.ok(withFaces.length >= 3, `faces in ${withFaces.length} of ${fs.length} frames`);
    for (const f of fs.at(-1).faces) assert.equal(Object.keys(f.emotion.probs).length, 7);
    const items = await faceTexts(page);
    assert.ok(items.length >= 1 && items.every((t) => LABEL.test(t)), `face list: ${items}`);
    assert.match(await text(page, '#hud'), /detect \d+ ms · classify \d+ ms$/);
    // The backend is said once, in the page's backend line (not in the HUD).
    assert.match(await page.$eval('emo-app-shell >>> #backend-line', (e) => e.textContent.trim()), /run on the main processor \(CPU, WebAssembly\), because the page address asks for it \(\?backend=wasm\)/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('gender off (remembered in localStorage): no gender in results or on screen, gender model not run', async () => {
  const { page } = await openApp((p) => p.evaluateOnNewDocument(() => localStorage.setItem('emolens.gender', 'off')));
  try {
    assert.equal(await page.$eval(`${view} >>> #gender`, (e) => e.checked), false);
    await tap(page, `${view} >>> #start`);
    await waitFrames(page, 2);
    const fs = await frames(page);
    assert.ok(fs.some((f) => f.faces.length), 'faces found');
    for (const f of fs) {
      assert.equal(f.timings.gender, undefined, 'the gender model did not run');
      assert.ok(f.faces.every((x) => x.gender === undefined));
    }
    assert.ok((await faceTexts(page)).every((t) => !/male/.test(t)));
    // Turning it on again takes effect on the next frames and is remembered.
    await tap(page, `${view} >>> #gender`);
    assert.equal(await page.evaluate(() => localStorage.getItem('emolens.gender')), 'on');
    // The gender model loads on first use (lazy), so it comes back within some frames, not the next one.
    let lastFrame;
    for (let waited = 0; waited < 60; waited++) {
      await waitFrames(page, (await frames(page)).length + 1);
      lastFrame = (await frames(page)).at(-1);
      if (lastFrame.faces.length && lastFrame.faces.every((x) => x.gender)) break;
    }
    assert.ok(lastFrame.faces.length && lastFrame.faces.every((x) => x.gender), 'gender back within 60 frames');
    assert.equal(typeof lastFrame.timings.gender, 'number');
  } finally {
    await page.close();
  }
});

test('photos: blank image → no faces; six faces → five or six found; an odd 333x517 frame works', async () => {
  const { page, errors } = await openApp();
  try {
    const blank = await pick(page, join(dir, 'blank.png'));
    assert.equal(blank.faces.length, 0);
    assert.deepEqual(await faceTexts(page), []);
    const six = await pick(page, join(dir, 'faces.png'));
    assert.ok(six.faces.length >= 5, `faces.png: ${six.faces.length} of 6 faces`);
    assert.deepEqual(six.faces.map((f) => f.track), six.faces.map((_, i) => i + 1), 'a photo starts its own tracks');
    const odd = await pick(page, join(dir, 'odd-333x517.png'));
    assert.deepEqual([odd.width, odd.height], [333, 517]);
    assert.ok(odd.faces.length >= 1, 'the whole face in the odd frame is found');
    assert.deepEqual(await page.$eval(`${view} >>> canvas`, (c) => [c.width, c.height]), [333, 517]);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('device loss: destroying the GPU device mid-stream → rebuilt, frames keep coming, the page says so', async () => {
  // WebGPU asked for: under 'auto' the load-time timing on SwiftShader may leave no stage on the GPU device.
  const { page } = await openApp(undefined, '?backend=webgpu');
  try {
    await tap(page, `${view} >>> #start`);
    await waitFrames(page, 1);
    assert.equal(await page.$eval(view, (el) => el.loseDevice()), true);
    const n = (await frames(page)).length;
    await waitFrames(page, n + 2);
    await page.waitForFunction((sel) => /recovered/i.test(document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot.querySelector(sel)?.textContent ?? ''), { timeout: 60_000 }, '#device-note');
    const lastFrame = (await frames(page)).at(-1);
    assert.ok(lastFrame.faces.length > 0, 'faces after the rebuild');
    assert.equal(lastFrame.backend, 'webgpu');
  } finally {
    await page.close();
  }
});


test('without the sample clip (a build without the data folder\'s clip): camera denied and no camera point to the photo/video opener', async () => {
  const noClip = await build({ outdir: join(dir, 'dist-no-clip'), quiet: true, sampleClip: null });
  const s2 = await serveStatic({ root: noClip });
  try {
    const denied = await openPage(browser, s2.url, (p) => p.evaluateOnNewDocument(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    }));
    await tap(denied.page, `${view} >>> #start`);
    await denied.page.waitForSelector(`${view} >>> [role=alert]`);
    assert.match(await text(denied.page, '[role=alert]'), /permission was denied.*open a photo or video/i);
    assert.equal(await denied.page.$(`${view} >>> #play-sample`), null, 'no sample clip offered');
    assert.equal(await denied.page.$(`${view} >>> #sample`), null, 'no Sample clip button');
    await denied.page.close();
    const none = await openPage(browser, s2.url, (p) => p.evaluateOnNewDocument(() => {
      navigator.mediaDevices.enumerateDevices = async () => [];
    }));
    await none.page.waitForSelector(`${view} >>> [role=status]`);
    assert.match(await text(none.page, '[role=status]'), /No camera was found on this device: open a photo or video instead/);
    const six = await pick(none.page, join(dir, 'faces.png'));
    assert.ok(six.faces.length >= 5, 'the opener works');
    assert.deepEqual(none.errors, []);
    await none.page.close();
  } finally {
    await s2.close();
  }
});
