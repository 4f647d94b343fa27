// The phone experience (issue 14), in the built app in headless Chromium with a fake camera: each
// state is measured at 320 and 390 px wide (no sideways scroll) and screenshotted at 390×844 and
// 1366×850 into docs/screenshots/ (ready, live faces, many faces, no face, snapshot, timeline,
// camera denied, no WebGPU), with what can be asserted: label size and overlap, the no-face
// message, one backend line, the HUD, the face list's order, the share card, the timeline's
// downloads against `npm run analyze`. States that need the data folder skip without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dataPath, hasData, missingDataMessage } from '../../tools/data-dir.mjs';
import { forwardPageErrors, launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, parseJsonl, root, runTool, tempDir } from './helpers.mjs';
import { PHONE, VIEW, overlapping, shoot } from './phone-helpers.mjs';

const MEDIA = ['media', 'video_01.mp4'];
const media = hasData(...MEDIA);
const skipNoData = media ? false : missingDataMessage(...MEDIA);

let browser, server, dir, page;

function ffmpeg(args) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-phone-');
  const y4m = join(dir, 'camera.y4m');
  // As in camera.test.mjs: the clip's first 20 frames slowed to 5 fps (a 4 s loop); without the data folder, a test pattern.
  if (media) ffmpeg(['-i', dataPath(...MEDIA), '-frames:v', '20', '-vf', 'setpts=6*PTS', '-r', '5', '-pix_fmt', 'yuv420p', y4m]);
  else ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=5', '-frames:v', '10', '-pix_fmt', 'yuv420p', y4m]);
  ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x808080:s=320x240', '-frames:v', '1', join(dir, 'blank.png')]);
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser({ args: ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`, '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'] });
  page = await openApp();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function openApp(setup, query = '') {
  const p = await browser.newPage();
  forwardPageErrors(p, '[phone]');
  await p.setViewport(PHONE);
  await p.evaluateOnNewDocument(() => {
    window.__frames = [];
    document.addEventListener('emo-frame', (e) => window.__frames.push(e.detail));
  });
  if (setup) await setup(p);
  await p.goto(server.url + query);
  await p.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 180_000 });
  return p;
}

const tap = (p, sel) => p.$eval(sel, (el) => el.click());
const frameCount = (p) => p.evaluate(() => window.__frames.length);
const waitFrames = (p, n) => p.waitForFunction((k) => window.__frames.length >= k, { timeout: 180_000, polling: 250 }, n);
const text = (p, sel) => p.$eval(sel, (e) => e.textContent.replace(/\s+/g, ' ').trim());
const exists = (p, sel) => p.$(sel).then((h) => h !== null);

async function open(p, file) {
  const n = await frameCount(p);
  await (await p.waitForSelector(`${VIEW} >>> #file`)).uploadFile(file);
  await waitFrames(p, n + 1);
  await p.waitForFunction(() => document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').labels !== undefined);
}

/** Clicks a download link and returns the saved file's text (its name must be `file`). */
async function download(p, sel, file) {
  const to = join(dir, 'downloads');
  const cdp = await p.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: to });
  await tap(p, sel);
  for (let i = 0; i < 100; i++) {
    const text = await readFile(join(to, file), 'utf8').catch(() => undefined);
    if (text) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} was not downloaded into ${to}`);
}

/** No sideways scroll at 320 and 390 px; readable labels that do not overlap, at both phone sizes and on the desktop. */
function assertFits(m, { labels = 0 } = {}) {
  assert.ok(m.narrow.scrollWidth <= 320, `320 px screen: page is ${m.narrow.scrollWidth} px wide`);
  assert.ok(m.phone.scrollWidth <= 390, `390 px screen: page is ${m.phone.scrollWidth} px wide`);
  for (const k of ['narrow', 'phone', 'desktop']) {
    const ls = m[k].labels;
    assert.ok(ls.length >= labels, `${k}: ${ls.length} labels drawn, want ≥ ${labels}`);
    for (const l of ls) assert.ok(l.font >= 12, `${k}: label "${l.text}" at ${l.font} CSS px`);
    assert.deepEqual(overlapping(ls), [], `${k}: overlapping labels`);
  }
}

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

test('many faces (race.jpg): readable labels that never overlap, list in track order with seven bars, a still HUD', { skip: hasData('media', 'race.jpg') ? false : missingDataMessage('media', 'race.jpg') }, async () => {
  await open(page, dataPath('media', 'race.jpg'));
  const r = await page.$eval(VIEW, (v) => v.lastResult);
  assert.ok(r.faces.length >= 8, `${r.faces.length} faces`);
  const m = await shoot(page, 'many-faces');
  assertFits(m, { labels: r.faces.length });
  const tracks = await page.$$eval(`${VIEW} >>> emo-face-list >>> li`, (els) => els.map((e) => Number(e.dataset.track)));
  assert.deepEqual(tracks, [...tracks].sort((a, b) => a - b));
  assert.equal(tracks.length, r.faces.length);
  assert.equal(await page.$$eval(`${VIEW} >>> emo-face-list >>> li:first-child meter`, (els) => els.length), 7);
  assert.match(await text(page, `${VIEW} >>> #hud`), new RegExp(`^Photo · ${r.faces.length} faces · detect \\d+ ms · classify \\d+ ms$`));
});

test('snapshot of race.jpg: colour faces with ids, "8 faces more" counted right, a short caption, no heat map while off', { skip: hasData('media', 'race.jpg') ? false : missingDataMessage('media', 'race.jpg') }, async () => {
  const total = await page.$eval(VIEW, (v) => v.lastResult.faces.length);
  await tap(page, `${VIEW} >>> emo-snapshot-button >>> #snapshot`);
  await page.waitForSelector(`${VIEW} >>> emo-snapshot-button >>> img[part=preview]`, { timeout: 60_000 });
  const caption = await text(page, `${VIEW} >>> emo-snapshot-button >>> #snapshot-caption`);
  assert.match(caption, new RegExp(`^emolens, [\\d-]+ [\\d:]+: #\\d+ \\w+ [\\d.]+%.*; ${total - 3} faces more\\.$`));
  assert.doesNotMatch(caption, /heat map/);
  assert.ok(caption.length < 200, caption);
  // The card's faces are the analysed frame's pixels: compare the card's first face square with the frame's crop.
  const diff = await page.$eval(VIEW, async (v) => {
    const snap = v.shadowRoot.querySelector('emo-snapshot-button').snapshot;
    const a = v.lastAnalysed;
    const area = (f) => f.box[2] * f.box[3];
    const face = [...a.result.faces].sort((p, q) => area(q) - area(p)).slice(0, 3).sort((p, q) => p.track - q.track)[0];
    const [x, y, w, h] = face.box;
    const side = Math.min(Math.max(w, h) * 1.6, a.image.width, a.image.height);
    const sx = Math.min(Math.max(0, x + w / 2 - side / 2), a.image.width - side), sy = Math.min(Math.max(0, y + h / 2 - side / 2), a.image.height - side);
    // The middle 60% of both squares (clear of the id badge), at 32×32.
    const pixels = (src, [px, py, ps]) => {
      const c = new OffscreenCanvas(32, 32).getContext('2d');
      c.drawImage(src, px + ps * 0.2, py + ps * 0.2, ps * 0.6, ps * 0.6, 0, 0, 32, 32);
      return c.getImageData(0, 0, 32, 32).data;
    };
    const want = pixels(a.image, [sx, sy, side]);
    const got = pixels(await createImageBitmap(snap.blob), snap.faceRect);
    let sum = 0;
    for (let i = 0; i < got.length; i += 4) for (let k = 0; k < 3; k++) sum += Math.abs(got[i + k] - want[i + k]);
    return sum / (32 * 32 * 3);
  });
  assert.ok(diff < 12, `card face vs analysed frame: mean abs difference ${diff.toFixed(1)} of 255`);
  await shoot(page, 'snapshot', `${VIEW} >>> emo-snapshot-button`);
  await tap(page, `${VIEW} >>> emo-snapshot-button >>> #close`);
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
  assertFits(await shoot(page, 'live'), { labels: media ? 1 : 0 });
  const tracks = await page.$$eval(`${VIEW} >>> emo-face-list >>> li`, (els) => els.map((e) => Number(e.dataset.track)));
  assert.deepEqual(tracks, [...tracks].sort((a, b) => a - b), 'face list in track order');
  await tap(page, `${VIEW} >>> #stop`);
});

for (const [name, frames] of [['video_01.mp4', 6], ['video_02.mp4', 4]]) {
  test(`timeline of ${name}: a chart per face, click to seek, downloads equal to npm run analyze on the same frames`, { skip: hasData('media', name) ? false : missingDataMessage('media', name) }, async () => {
    await open(page, dataPath('media', name));
    const backend = await page.$eval(VIEW, (v) => v.info.backend);
    const cli = runTool('analyze', ['--backend', backend, '--max-frames', String(frames), dataPath('media', name)], { timeoutMs: 400_000 });
    await page.$eval(`${VIEW} >>> emo-video-timeline`, (t, k) => t.make(1, k), frames);
    const tracks = await page.$$eval(`${VIEW} >>> emo-video-timeline >>> li[data-track]`, (els) => els.length);
    assert.ok(tracks >= 1, 'one chart per face');
    // The files as a user gets them: the links clicked, Chromium saving the downloads.
    const jsonl = await download(page, `${VIEW} >>> emo-video-timeline >>> #download-jsonl`, name.replace('.mp4', '.timeline.jsonl'));
    const csv = await download(page, `${VIEW} >>> emo-video-timeline >>> #download-csv`, name.replace('.mp4', '.timeline.csv'));
    const mine = parseJsonl(jsonl);
    const { code, stdout, stderr } = await cli;
    assert.equal(code, 0, stderr);
    const theirs = parseJsonl(stdout).map((l) => ({ ...l, file: name }));
    assert.deepEqual(mine.map((l) => Object.keys(l)), theirs.map((l) => Object.keys(l)));
    assert.deepEqual(mine.map((l) => [l.frame, l.faces.map((f) => f.track)]), theirs.map((l) => [l.frame, l.faces.map((f) => f.track)]));
    mine.forEach((l, i) => l.faces.forEach((f, j) => {
      const g = theirs[i].faces[j];
      assert.deepEqual(Object.keys(f), Object.keys(g));
      f.box.forEach((v, k) => assert.ok(Math.abs(v - g.box[k]) < 1, `frame ${l.frame} face ${j} box ${f.box} vs ${g.box}`));
      for (const c of Object.keys(g.emotion.probs)) assert.ok(Math.abs(f.emotion.probs[c] - g.emotion.probs[c]) < 0.02, `frame ${l.frame} #${f.track} ${c}`);
    }));
    assert.equal(csv.trim().split('\n').length, 1 + mine.reduce((s, l) => s + l.faces.length, 0), 'a CSV row per face and frame');
    // A click on the first chart seeks the video and shows that frame's stored faces.
    const seekTo = await page.$eval(`${VIEW} >>> emo-video-timeline >>> li[data-track] svg`, (s) => new Promise((resolve) => {
      s.getRootNode().host.addEventListener('emo-timeline-seek', (e) => resolve(e.detail.time), { once: true });
      const r = s.getBoundingClientRect();
      s.dispatchEvent(new MouseEvent('click', { clientX: r.left + r.width / 2, clientY: r.top + 5, bubbles: true }));
    }));
    await page.waitForSelector(`${VIEW} >>> #play-again`);
    // An analysed frame's time, as the CSV gives it (at the video's own frame rate, 30000/1001 for video_01.mp4).
    const rows = csv.trim().split('\n').map((r) => r.split(','));
    const timeCol = rows[0].indexOf('time');
    assert.ok(rows.slice(1).some((r) => Math.abs(Number(r[timeCol]) - seekTo) < 1e-4), `seek to an analysed frame (${seekTo} s)`);
    const now = await page.$eval(`${VIEW} >>> video`, (v) => v.currentTime);
    assert.ok(Math.abs(now - seekTo) < 0.02, `the video is at ${now} s, the clicked frame at ${seekTo} s`);
    if (name === 'video_01.mp4') {
      // For the screenshot, the first two seconds at 6 frames a second: charts with some length.
      await page.$eval(`${VIEW} >>> emo-video-timeline`, (t) => t.make(5, 60));
      assertFits(await shoot(page, 'timeline', `${VIEW} >>> .timeline`));
    }
  });
}

// Without the data folder the build has no sample clip; camera.test.mjs covers that page.
test('camera denied: the message offers the sample clip as the one main action; no large black box', { skip: hasData('media', 'video_01.mp4') ? false : missingDataMessage('media', 'video_01.mp4') }, async () => {
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
