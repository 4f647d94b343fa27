// The camera pipeline in the built app, in headless Chromium: a fake camera fed from
// ../shared/media/video_01.mp4 (converted to Y4M here with Debian's ffmpeg), photos through the
// file input (a blank image, race.jpg's crowd, an odd 333×517 frame), the gender setting, a lost
// GPU device, a denied camera and a machine without one. Frames take ~1-3 s each on SwiftShader,
// so each test waits for only a few.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';

const MEDIA = resolve(root, '../shared/media');
const LABEL = /^#\d+ (angry|disgust|fear|happy|sad|surprise|neutral) \d+%/;

let browser;
let server;
let dir;
let y4m;

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-camera-');
  y4m = join(dir, 'camera.y4m');
  // The clip's first 20 frames (~0.7 s), slowed to 5 fps so the fake camera takes 4 s per loop:
  // SwiftShader analyses ~1 frame/s (less under load), and at 30 fps every analysed frame would
  // land anywhere in the loop, a jump that track matching is not meant to bridge.
  ffmpeg(['-i', join(MEDIA, 'video_01.mp4'), '-frames:v', '20', '-vf', 'setpts=6*PTS', '-r', '5', '-pix_fmt', 'yuv420p', y4m]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=white:s=320x240', '-frames:v', '1', join(dir, 'blank.png')]);
  ffmpeg(['-i', join(MEDIA, 'race.jpg'), '-vf', 'scale=-1:517,crop=333:517:200:0', join(dir, 'odd-333x517.png')]);
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

/** Opens the app; `setup` runs before any page script. Records every emo-frame in window.__frames. */
async function openApp(setup) {
  const page = await browser.newPage();
  forwardPageErrors(page, '[camera]');
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.evaluateOnNewDocument(() => {
    window.__frames = [];
    document.addEventListener('emo-frame', (e) => window.__frames.push(e.detail));
  });
  if (setup) await setup(page);
  await page.goto(server.url);
  // Ready = the pipeline loaded (the Start button is enabled).
  await page.waitForSelector('emo-app-shell >>> emo-camera-view >>> #start:not([disabled])', { timeout: 120_000 });
  return { page, errors };
}

const view = 'emo-app-shell >>> emo-camera-view';
// A DOM click, not a mouse click at the element's measured position: in about 1 of 8 fresh
// browsers the first Start click never reached the button (no getUserMedia, no error, the button
// still read "Start camera"), most likely a layout shift between measuring and clicking.
const tap = (page, sel) => page.$eval(sel, (el) => el.click());
const frames = (page) => page.evaluate(() => window.__frames);
const waitFrames = (page, n, timeout = 120_000) => page.waitForFunction((k) => window.__frames.length >= k, { timeout, polling: 200 }, n);
const faceTexts = (page) => page.$$eval(`${view} >>> emo-face-list >>> li .caption`, (els) => els.map((e) => e.textContent.trim()));
const text = (page, sel) => page.$eval(`${view} >>> ${sel}`, (e) => e.textContent.replace(/\s+/g, ' ').trim());

async function pick(page, file) {
  const before = (await frames(page)).length;
  const input = await page.waitForSelector(`${view} >>> #file`);
  await input.uploadFile(file);
  await waitFrames(page, before + 1);
  return (await frames(page)).at(-1);
}

test('fake camera (video_01): faces found, track ids stable across frames, labels and HUD frame rate shown', async () => {
  const { page, errors } = await openApp();
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
    const n = (await frames(page)).length;
    await waitFrames(page, n + 2);
    const lastFrame = (await frames(page)).at(-1);
    assert.ok(lastFrame.faces.length && lastFrame.faces.every((x) => x.gender), 'gender back');
    assert.equal(typeof lastFrame.timings.gender, 'number');
  } finally {
    await page.close();
  }
});

test('photos: blank image → no faces; race.jpg → many faces; an odd 333x517 frame works', async () => {
  const { page, errors } = await openApp();
  try {
    const blank = await pick(page, join(dir, 'blank.png'));
    assert.equal(blank.faces.length, 0);
    assert.deepEqual(await faceTexts(page), []);
    const race = await pick(page, join(MEDIA, 'race.jpg'));
    assert.ok(race.faces.length >= 6, `race.jpg: ${race.faces.length} faces`);
    assert.deepEqual(race.faces.map((f) => f.track), race.faces.map((_, i) => i + 1), 'a photo starts its own tracks');
    const odd = await pick(page, join(dir, 'odd-333x517.png'));
    assert.deepEqual([odd.width, odd.height], [333, 517]);
    assert.ok(odd.faces.length >= 1, 'the runner in the odd crop is found');
    assert.deepEqual(await page.$eval(`${view} >>> canvas`, (c) => [c.width, c.height]), [333, 517]);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('device loss: destroying the GPU device mid-stream → rebuilt, frames keep coming, the page says so', async () => {
  const { page } = await openApp();
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

test('camera denied → a clear message and the sample clip offered, which then plays with its credit', async () => {
  const { page } = await openApp((p) => p.evaluateOnNewDocument(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  }));
  try {
    await tap(page, `${view} >>> #start`);
    await page.waitForSelector(`${view} >>> #play-sample`);
    assert.match(await text(page, '[role=alert]'), /permission was denied/i);
    await tap(page, `${view} >>> #play-sample`);
    await waitFrames(page, 1);
    assert.match(await text(page, '.credit'), /© 2012 Aaron "tango" Tang, CC BY 2\.0/);
    assert.equal((await frames(page)).at(-1).width, 640);
  } finally {
    await page.close();
  }
});

test('no camera at all → says so and plays the bundled sample clip by itself', async () => {
  const { page } = await openApp((p) => p.evaluateOnNewDocument(() => {
    navigator.mediaDevices.enumerateDevices = async () => [];
  }));
  try {
    await waitFrames(page, 1);
    assert.match(await text(page, '[role=status]'), /No camera was found/);
    assert.ok((await frames(page)).at(-1).faces.length > 0, 'faces in the sample clip');
    assert.match(await text(page, '.credit'), /Aaron "tango" Tang/);
  } finally {
    await page.close();
  }
});
