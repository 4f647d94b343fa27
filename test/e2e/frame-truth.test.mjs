// Frame truth (issue 13): the boxes on screen sit on faces of the pixels shown with them. In the
// built app, in headless Chromium: a fake camera that pans across the project's own install
// screenshot (faces move ~100 px a second, while SwiftShader analyses ~1 frame a second), and the
// same pan as an MP4 file opened in the page. At several moments the test captures, in one task, the picture
// the stage shows (the analysed-frame canvas when visible, else the video) and the boxes drawn over
// it, re-runs the detector on that capture (test/e2e/detector-page.ts, WebGPU) and requires every
// drawn box to overlap a re-detected face (IoU ≥ 0.3) and at least 90% of them with IoU ≥ 0.5.
// The re-detection keeps faces down to score 0.4 (the app draws from 0.6): this test is about where
// boxes are drawn, not about the detector's borderline calls (a chandelier at 0.62 in a window and
// 0.58 in the full frame is the same call on the same picture). A box left behind by a moving picture
// still finds nothing under it. Captures with a miss are saved as PNGs named in the report.
// (Followed faces are found in a window at another scale than the full frame: on an 18 px face the
// two boxes can differ by 3 px, IoU 0.46.) Boxes drawn over live video that has moved on since the
// frame was analysed fail this: the old design scored 0 of 16, best IoU 0.16. It also checks that the
// snapshot's source, `lastAnalysed`, is the frame the last result was computed from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { buildDetectorPage } from '../../tools/detector-page.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, root, tempDir, waitAnalysedFrom } from './helpers.mjs';

const VIEW = 'emo-app-shell >>> emo-camera-view';
const SCREENSHOT = join(root, 'src/ui/pwa/screenshots/wide.webp');
const CAPTURES = 4;

let browser, server, dir, detectorTab;

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

before(async () => {
  await ensureBuilt();
  const dist = join(root, 'dist');
  await buildDetectorPage(dist);
  dir = await tempDir('emolens-frame-truth-');
  // 640x480 at 10 fps, 4 s a loop: a 600x450 window of the screenshot's video area sliding right by
  // 100 px a second (the faces are 50-90 px wide, so an overlay one analysis late misses them).
  const y4m = join(dir, 'pan.y4m');
  ffmpeg(['-loop', '1', '-i', SCREENSHOT, '-vf', "crop=600:450:'150+mod(t*100\\,380)':345,scale=640:480,format=yuv420p", '-t', '4', '-r', '10', y4m]);
  ffmpeg(['-i', y4m, '-pix_fmt', 'yuv420p', '-g', '10', '-movflags', '+faststart', join(dir, 'pan.mp4')]);
  server = await serveStatic({ root: dist });
  browser = await launchBrowser({
    args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
  });
  detectorTab = await browser.newPage();
  forwardPageErrors(detectorTab, '[detector]');
  await detectorTab.goto(`${server.url}detector-page.html`);
  await detectorTab.waitForFunction(() => document.documentElement.dataset.ready === 'true', { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function iou(a, b) {
  const x1 = Math.max(a[0], b[0]), y1 = Math.max(a[1], b[1]);
  const x2 = Math.min(a[0] + a[2], b[0] + b[2]), y2 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

async function openApp(query = '') {
  const page = await browser.newPage();
  forwardPageErrors(page, '[frame-truth]');
  await page.evaluateOnNewDocument(() => {
    window.__frames = 0;
    document.addEventListener('emo-frame', () => window.__frames++);
  });
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector(`${VIEW} >>> #start:not([disabled])`, { timeout: 120_000 });
  return page;
}

const waitFrames = (page, n) => page.waitForFunction((k) => window.__frames >= k, { timeout: 180_000, polling: 200 }, n);

/**
 * In one task: what the stage shows (the analysed-frame canvas when it is visible, else the
 * video, mirrored as the page mirrors it) as a PNG, and the boxes drawn over it.
 */
function capture(page) {
  return page.evaluate(() => {
    const view = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view');
    const root = view.shadowRoot;
    const frame = root.querySelector('canvas.frame');
    const video = root.querySelector('video');
    const showsFrame = frame && !frame.hidden && getComputedStyle(frame).display !== 'none';
    const pic = showsFrame ? frame : video;
    const w = showsFrame ? frame.width : video.videoWidth, h = showsFrame ? frame.height : video.videoHeight;
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const ctx = c.getContext('2d');
    if (!showsFrame && root.querySelector('.stage').classList.contains('mirror')) ctx.setTransform(-1, 0, 0, 1, w, 0);
    ctx.drawImage(pic, 0, 0, w, h);
    const a = view.lastAnalysed;
    return { png: c.toDataURL('image/png').split(',')[1], boxes: view.drawnBoxes, showsFrame, size: [w, h], analysed: a ? [a.image.width, a.image.height, a.result.faces.length] : null };
  });
}

/** Captures spaced over a few analysed frames; each drawn box must overlap a re-detected face. */
async function checkFrameTruth(page, label) {
  let drawn = 0, onFace = 0, overlapping = 0;
  const misses = [];
  for (let i = 0; i < CAPTURES; i++) {
    await waitFrames(page, await page.evaluate(() => window.__frames) + 1);
    const cap = await capture(page);
    assert.ok(cap.showsFrame, `${label}: the stage shows the analysed frame once results come`);
    assert.deepEqual(cap.analysed?.slice(0, 2), cap.size, `${label}: lastAnalysed holds the analysed frame's pixels`);
    const faces = await detectorTab.evaluate((png) => window.detectorPage.inspect(png, 'webgpu', { scoreThreshold: 0.4 }).then((r) => r.faces.map((f) => f.box)), cap.png);
    let missed = false;
    for (const b of cap.boxes) {
      drawn++;
      const best = Math.max(0, ...faces.map((f) => iou(b, f)));
      if (best >= 0.5) onFace++;
      else {
        missed = true;
        misses.push(`capture ${i}: box ${b.map(Math.round)} best IoU ${best.toFixed(2)}`);
      }
      if (best >= 0.3) overlapping++;
    }
    if (missed) {
      const file = join(tmpdir(), `emolens-frame-truth-${label.replace(/\W+/g, '_')}-${i}.png`);
      await writeFile(file, Buffer.from(cap.png, 'base64'));
      misses.push(`  (capture ${i} saved as ${file}; re-detected: ${faces.map((f) => f.map(Math.round).join(',')).join(' | ')})`);
    }
  }
  assert.ok(drawn >= CAPTURES, `${label}: ${drawn} boxes drawn over ${CAPTURES} captures`);
  const report = `${label}: ${onFace}/${drawn} drawn boxes at IoU ≥ 0.5 with a face of the shown picture, ${overlapping} at ≥ 0.3\n${misses.join('\n')}`;
  assert.equal(overlapping, drawn, report);
  assert.ok(onFace >= 0.9 * drawn, report);
}

// The default backend (on SwiftShader the detector is timed at load and the wasm path usually wins)
// and the WebAssembly path asked for outright: both follow faces in windows between full scans.
for (const query of ['', '?backend=wasm']) {
  test(`fake camera panning across faces${query ? ` (${query})` : ''}: every drawn box sits on a face of the picture shown with it`, async () => {
    const page = await openApp(query);
    try {
      await page.$eval(`${VIEW} >>> #start`, (el) => el.click());
      await waitAnalysedFrom(page, 'camera');
      await checkFrameTruth(page, `camera${query}`);
    } finally {
      await page.close();
    }
  });
}

test('video file (the pan as an MP4): every drawn box sits on a face of the picture shown with it', async () => {
  const page = await openApp();
  try {
    const input = await page.waitForSelector(`${VIEW} >>> #file`);
    await input.uploadFile(join(dir, 'pan.mp4'));
    await waitAnalysedFrom(page, 'pan.mp4');
    await checkFrameTruth(page, 'video file');
  } finally {
    await page.close();
  }
});
