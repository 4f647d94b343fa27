// The phone experience (issue 14), in the built app in headless Chromium, on pictures the
// repository owns (test/e2e/owned-images.mjs: the golden fixtures' faces): a fake camera showing
// six faces, a crowd photo of twelve, a gray photo, a clip of the camera's frames (also the test
// build's sample clip). Each state is measured at 320 and 390 px wide (no sideways scroll) and
// screenshotted at 390×844 and 1366×850 into docs/screenshots/ (ready, live faces, no face, camera
// denied, no WebGPU), with what can be asserted: label size and overlap, the no-face message, one
// backend line, the HUD, the face list's order, the share card, the timeline's downloads against
// `npm run analyze`. The same checks on the data folder's photos and videos (race.jpg, video_01.mp4,
// video_02.mp4), which make the README's many-faces, snapshot and timeline screenshots, are in
// test/data/phone-media.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from '../../esbuild.config.mjs';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { tempDir } from './helpers.mjs';
import { encodePng, facesFrame, writeY4m } from './owned-images.mjs';
import {
  VIEW, assertFits, checkManyFaces, checkSnapshot, checkTimeline, exists, frameCount, openApp as openPhone, openFile as open, shoot, tap, text, waitFrames,
} from './phone-helpers.mjs';

let browser, server, dir, page, clip;

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

before(async () => {
  dir = await tempDir('emolens-phone-');
  // The camera: the six faces moving a little (5 fps, a 1.6 s loop); the same frames as an MP4
  // clip for the timeline and as the test build's sample clip (camera denied offers it).
  const y4m = join(dir, 'camera.y4m');
  await writeY4m(y4m, [0, 4, 8, 12, 16, 12, 8, 4].map((shift) => facesFrame({ shift })), 5);
  clip = join(dir, 'faces.mp4');
  ffmpeg(['-i', y4m, '-pix_fmt', 'yuv420p', '-g', '5', '-movflags', '+faststart', clip]);
  const crowd = facesFrame({ width: 960, height: 600, side: 100, cols: 6, count: 12 });
  await writeFile(join(dir, 'crowd.png'), encodePng(crowd.width, crowd.height, 3, crowd.rgb));
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x808080:s=320x240', '-frames:v', '1', join(dir, 'blank.png')]);
  const dist = await build({ outdir: join(dir, 'dist'), quiet: true, clean: true, sampleClip: clip });
  server = await serveStatic({ root: dist });
  browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'] });
  page = await openApp();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const openApp = (setup, query = '') => openPhone(browser, server.url + query, setup);

test('ready: fits 320/390 px, one plain backend line (no jargon), no HUD, the one photo/video opener', async () => {
  assert.equal(await page.evaluate(() => document.documentElement.dataset.emolensState), 'ready');
  const lines = await page.$$eval('emo-app-shell >>> #backend-line', (els) => els.map((e) => e.textContent.trim()));
  assert.equal(lines.length, 1, `backend lines: ${lines}`);
  assert.match(lines[0], /^Face finding, emotion and gender run on the (graphics|main) processor \((WebGPU|CPU|CPU, WebAssembly)\), because [^.]+; heat maps too\.( The CPU path uses (one thread|\d threads)(, because [^.]+)?\.)?$/);
  assert.doesNotMatch(lines[0], /adapter|batch|ms\b/);
  assert.equal(await exists(page, `${VIEW} >>> #hud`), false);
  assert.equal(await exists(page, 'emo-app-shell >>> emo-image-picker'), false, 'no second photo picker');
  assertFits(await shoot(page, 'ready', 'emo-app-shell'));
});

test('many faces (a crowd of twelve): readable labels that never overlap, list in track order with seven bars, a still HUD', async () => {
  await checkManyFaces(page, join(dir, 'crowd.png'), { minFaces: 10, shot: null });
});

test('snapshot of the crowd: colour faces with ids, "N faces more" counted right, a short caption, no heat map while off', async () => {
  await checkSnapshot(page, { shot: null });
});

test('no face (a gray picture): says so, offers the whole picture only as a choice, no frame rate', async () => {
  await open(page, join(dir, 'blank.png'));
  assert.match(await text(page, `${VIEW} >>> #no-face`), /No face was found in this photo\./);
  assert.match(await text(page, `${VIEW} >>> #hud`), /^Photo · 0 faces · detect \d+ ms · classify \d+ ms$/);
  assert.equal(await page.$eval(`${VIEW} >>> emo-snapshot-button >>> #snapshot`, (b) => b.disabled), true);
  assert.equal(await exists(page, 'emo-app-shell >>> #whole-image-result'), false, 'not read as a face unasked');
  await tap(page, `${VIEW} >>> #whole-image`);
  await page.waitForSelector('emo-app-shell >>> #whole-image-result emo-emotion-meter >>> [role=meter]', { timeout: 60_000 });
  assert.match(await text(page, 'emo-app-shell >>> #whole-image-result .warning'), /No face was found in blank\.png/);
  assertFits(await shoot(page, 'no-face'));
});

test('live faces (fake camera): fits with the camera running, labels readable and apart, HUD under the picture, never "0.0 fps"', async () => {
  const n = await frameCount(page);
  await tap(page, `${VIEW} >>> #start`);
  await page.waitForFunction(() => {
    const hud = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot.querySelector('#hud');
    return hud && !/^Photo/.test(hud.textContent.trim());
  }, { timeout: 180_000 });
  assert.doesNotMatch(await text(page, `${VIEW} >>> #hud`), /0\.0 fps/, 'after the first frame');
  await waitFrames(page, n + 3);
  const hud = await text(page, `${VIEW} >>> #hud`);
  assert.match(hud, /^\d+\.\d fps · \d+ faces? · detect \d+ ms · classify \d+ ms$/);
  assert.doesNotMatch(hud, /^0\.0 fps/);
  // The HUD is below the picture, not over it.
  const [stage, hudBox] = await page.$$eval(`${VIEW} >>> .stage, ${VIEW} >>> #hud`, (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  assert.ok(hudBox.top >= stage.bottom - 0.5, `HUD top ${hudBox.top} vs picture bottom ${stage.bottom}`);
  assertFits(await shoot(page, 'live'), { labels: 1 });
  const tracks = await page.$$eval(`${VIEW} >>> emo-face-list >>> li`, (els) => els.map((e) => Number(e.dataset.track)));
  assert.deepEqual(tracks, [...tracks].sort((a, b) => a - b), 'face list in track order');
  await tap(page, `${VIEW} >>> #stop`);
});

test('timeline of a clip: a chart per face, click to seek, downloads equal to npm run analyze on the same frames', async () => {
  await checkTimeline(page, { file: clip, name: 'faces.mp4', frames: 4, dir, shot: null });
});

test('camera denied: the message offers the sample clip as the one main action; no large black box', async () => {
  const p = await openApp((q) => q.evaluateOnNewDocument(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  }));
  try {
    await tap(p, `${VIEW} >>> #start`);
    await p.waitForSelector(`${VIEW} >>> #play-sample`);
    assert.match(await text(p, `${VIEW} >>> [role=alert]`), /permission was denied/i);
    const primaries = await p.$$eval(`${VIEW} >>> button.primary`, (els) => els.map((e) => e.id));
    assert.deepEqual(primaries, ['play-sample']);
    assert.equal(await text(p, `${VIEW} >>> #start`), 'Try the camera again');
    const stage = await p.$eval(`${VIEW} >>> .stage`, (e) => ({ h: e.getBoundingClientRect().height, bg: getComputedStyle(e).backgroundColor }));
    assert.ok(stage.h < 200 && stage.bg !== 'rgb(0, 0, 0)', `stage ${JSON.stringify(stage)}`);
    assertFits(await shoot(p, 'camera-denied'));
  } finally {
    await p.close();
  }
});

test('?backend=webgpu without WebGPU: one clear message, a link to the CPU path, controls disabled, no endless loading', async () => {
  const p = await openApp(async (q) => {
    await q.setBypassCSP(true); // the blob worker wrapper below is not 'self'
    await q.evaluateOnNewDocument(() => {
      delete Navigator.prototype.gpu;
      const NativeWorker = window.Worker;
      window.Worker = class extends NativeWorker {
        constructor(url, options) {
          const src = `import ${JSON.stringify(new URL(url, location.href).href)}; delete WorkerNavigator.prototype.gpu;`;
          super(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), options);
        }
      };
    });
  }, '?backend=webgpu');
  try {
    assert.equal(await p.evaluate(() => document.documentElement.dataset.emolensState), 'error');
    const alerts = await p.$$eval('emo-app-shell >>> [role=alert]', (els) => els.map((e) => e.textContent.trim()).filter(Boolean));
    assert.equal(alerts.length, 1, `alerts: ${JSON.stringify(alerts)}`);
    assert.match(alerts[0], /asks for WebGPU.*does not offer WebGPU/);
    const href = await p.$eval(`${VIEW} >>> #use-cpu`, (a) => a.href);
    assert.equal(new URL(href).searchParams.get('backend'), 'wasm');
    const hasSample = Boolean(await p.$(`${VIEW} >>> #sample`)); // absent from a build without the data folder's clip
    for (const id of ['start', ...(hasSample ? ['sample'] : []), 'file', 'camera', 'gender']) assert.equal(await p.$eval(`${VIEW} >>> #${id}`, (e) => e.disabled), true, `#${id} disabled`);
    assert.doesNotMatch(await text(p, `${VIEW} >>> .stage`), /Loading/);
    assertFits(await shoot(p, 'no-webgpu'));
    // The way out works: the CPU page loads and is ready.
    await p.goto(href);
    await p.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 180_000 });
    assert.equal(await p.evaluate(() => document.documentElement.dataset.emolensState), 'ready');
    assert.match(await text(p, 'emo-app-shell >>> #backend-line'), /main processor \(CPU, WebAssembly\), because the page address asks for it/);
  } finally {
    await p.close();
  }
});
