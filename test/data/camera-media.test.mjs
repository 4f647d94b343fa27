// The camera view on the data folder's media (CC BY 2.0): a fake camera fed from video_01.mp4
// (converted to Y4M with Debian's ffmpeg), race.jpg's crowd through the file input, and the sample
// clip the build copies from the data folder (offered when the camera is denied, played by itself
// on a machine without one). Frames take ~1-3 s each on SwiftShader, so each test waits for a few.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { LABEL, faceTexts, frames, openApp, pick, tap, text, view, waitFrames } from '../e2e/camera-page.mjs';
import { ensureBuilt, root, tempDir } from '../e2e/helpers.mjs';
import { useData } from './data-folder.mjs';

const [MEDIA] = useData(import.meta, ['media', 'video_01.mp4'], ['media', 'race.jpg']).map(dirname);

let browser;
let server;
let dir;

before(async () => {
  await ensureBuilt(); // with the data folder's sample clip in dist/media/
  dir = await tempDir('emolens-camera-media-');
  const y4m = join(dir, 'camera.y4m');
  // The clip's first 20 frames (~0.7 s), slowed to 5 fps so the fake camera takes 4 s per loop:
  // SwiftShader analyses ~1 frame/s (less under load), and at 30 fps every analysed frame would
  // land anywhere in the loop, a jump that track matching is not meant to bridge.
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', join(MEDIA, 'video_01.mp4'), '-frames:v', '20', '-vf', 'setpts=6*PTS', '-r', '5', '-pix_fmt', 'yuv420p', y4m], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffmpeg: ${r.stderr || r.error}`);
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

test('fake camera (video_01): faces found, track ids stable across frames, labels shown', async () => {
  const { page, errors } = await openApp(browser, server.url);
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
    const items = await faceTexts(page);
    assert.ok(items.length >= 1 && items.every((t) => LABEL.test(t)), `face list: ${items}`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('photo: race.jpg → many faces, each photo starts its own tracks', async () => {
  const { page, errors } = await openApp(browser, server.url);
  try {
    const race = await pick(page, join(MEDIA, 'race.jpg'));
    assert.ok(race.faces.length >= 6, `race.jpg: ${race.faces.length} faces`);
    assert.deepEqual(race.faces.map((f) => f.track), race.faces.map((_, i) => i + 1), 'a photo starts its own tracks');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('camera denied → a clear message and the sample clip offered, which then plays with its credit', async () => {
  const { page } = await openApp(browser, server.url, (p) => p.evaluateOnNewDocument(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  }));
  try {
    await tap(page, `${view} >>> #start`);
    await page.waitForSelector(`${view} >>> #play-sample`);
    assert.match(await text(page, '[role=alert]'), /permission was denied.*play the sample clip/i);
    await tap(page, `${view} >>> #play-sample`);
    await waitFrames(page, 1);
    assert.match(await text(page, '.credit'), /© 2012 Aaron "tango" Tang, CC BY 2\.0/);
    assert.equal((await frames(page)).at(-1).width, 640);
  } finally {
    await page.close();
  }
});

test('no camera at all → says so and plays the bundled sample clip by itself', async () => {
  const { page } = await openApp(browser, server.url, (p) => p.evaluateOnNewDocument(() => {
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
