// Shared pieces of the phone tests (test/e2e/phone.test.mjs on the repository's own pictures,
// test/data/phone-media.test.mjs on the data folder's): the two screen sizes, screenshots into
// docs/screenshots/ (or $EMOLENS_SCREENSHOTS), what can be measured on the page in any state, and
// the steps and checks both files take.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { forwardPageErrors } from '../../tools/browser.mjs';
import { parseJsonl, root, runTool, waitAnalysedFrom } from './helpers.mjs';

// One page goes through every size: puppeteer reloads a page whose isMobile or hasTouch changes, so
// both stay off (the layout depends on the width alone).
export const PHONE = { width: 390, height: 844, deviceScaleFactor: 1 };
export const NARROW = { ...PHONE, width: 320, height: 640 };
export const DESKTOP = { width: 1366, height: 850, deviceScaleFactor: 1 };
export const SHOTS = process.env.EMOLENS_SCREENSHOTS || join(root, 'docs/screenshots');

export const VIEW = 'emo-app-shell >>> emo-camera-view';

const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** The page's width as scrolled, and the view's drawn labels (CSS px) — after a resize has been painted. */
export async function measure(page) {
  await settle(page);
  await new Promise((r) => setTimeout(r, 150)); // the ResizeObserver repaint
  return page.evaluate(() => {
    const view = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view');
    return { scrollWidth: document.documentElement.scrollWidth, labels: view.labels.map((l) => ({ rect: l.rect, font: l.font, form: l.form, text: l.text })) };
  });
}

/** Labels that overlap one another (pairs of their texts). */
export function overlapping(labels) {
  const hit = (a, b) => a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  const out = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) if (hit(labels[i].rect, labels[j].rect)) out.push([labels[i].text, labels[j].text]);
  return out;
}

/**
 * Screenshots `name` at the phone and desktop sizes (the viewport, scrolled so `focus` is at the top;
 * `name` null: measured only), checks the page is no wider than 320 and 390 px on a phone, and
 * returns the measurements.
 */
export async function shoot(page, name, focus = VIEW) {
  if (name) await mkdir(SHOTS, { recursive: true });
  const out = {};
  for (const [key, vp] of [['narrow', NARROW], ['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewport(vp);
    out[key] = await measure(page);
    if (key === 'narrow') continue;
    if (!name) continue;
    await page.$eval(focus, (e) => e.scrollIntoView({ block: 'start' }));
    await settle(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${vp.width}.webp`), type: 'webp', quality: 70 });
  }
  await page.setViewport(PHONE);
  return out;
}

/**
 * Opens `file` the one way the app offers (the live view's file input) and returns its seven
 * emotion percentages: the first face's, or, when no face is found, the whole picture's (after
 * "Read the whole picture anyway"). `whole` says which.
 */
export async function photoMeters(page, file) {
  await (await page.waitForSelector(`${VIEW} >>> #file`)).uploadFile(file);
  await waitAnalysedFrom(page, basename(file));
  await page.$eval(VIEW, (v) => v.updateComplete);
  if (await page.$(`${VIEW} >>> #whole-image`)) {
    await page.$eval(`${VIEW} >>> #whole-image`, (b) => b.click());
    await page.waitForSelector('emo-app-shell >>> emo-emotion-meter >>> [role=meter]', { timeout: 60_000 });
    const values = await page.$$eval('emo-app-shell >>> emo-emotion-meter >>> [role=meter]', (els) => els.map((e) => Number(e.getAttribute('aria-valuenow'))));
    return { whole: true, values };
  }
  await page.waitForSelector(`${VIEW} >>> emo-face-list >>> li meter`);
  const values = await page.$$eval(`${VIEW} >>> emo-face-list >>> li:first-child meter`, (els) => els.map((e) => Number((e.value * 100).toFixed(1))));
  return { whole: false, values };
}

/** A new page of the app at the phone size (`setup(page)` runs before it loads), emo-frame events counted in window.__frames. */
export async function openApp(browser, url, setup) {
  const p = await browser.newPage();
  forwardPageErrors(p, '[phone]');
  await p.setViewport(PHONE);
  await p.evaluateOnNewDocument(() => {
    window.__frames = [];
    document.addEventListener('emo-frame', (e) => window.__frames.push(e.detail));
  });
  if (setup) await setup(p);
  await p.goto(url);
  await p.waitForFunction(() => document.documentElement.dataset.emolensState !== 'loading', { timeout: 180_000 });
  return p;
}

export const tap = (p, sel) => p.$eval(sel, (el) => el.click());
export const frameCount = (p) => p.evaluate(() => window.__frames.length);
export const waitFrames = (p, n) => p.waitForFunction((k) => window.__frames.length >= k, { timeout: 180_000, polling: 250 }, n);
export const text = (p, sel) => p.$eval(sel, (e) => e.textContent.replace(/\s+/g, ' ').trim());
export const exists = (p, sel) => p.$(sel).then((h) => h !== null);

/** Opens `file` with the live view's file input and waits for its first analysed frame. */
export async function openFile(p, file) {
  await (await p.waitForSelector(`${VIEW} >>> #file`)).uploadFile(file);
  await waitAnalysedFrom(p, basename(file));
}

/** Clicks a download link and returns the saved file's text (its name must be `file`), saved under `dir`. */
async function download(p, sel, file, dir) {
  const to = join(dir, 'downloads');
  const cdp = await p.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: to });
  await tap(p, sel);
  for (let i = 0; i < 100; i++) {
    const got = await readFile(join(to, file), 'utf8').catch(() => undefined);
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} was not downloaded into ${to}`);
}

/** No sideways scroll at 320 and 390 px; readable labels that do not overlap, at both phone sizes and on the desktop. */
export function assertFits(m, { labels = 0 } = {}) {
  assert.ok(m.narrow.scrollWidth <= 320, `320 px screen: page is ${m.narrow.scrollWidth} px wide`);
  assert.ok(m.phone.scrollWidth <= 390, `390 px screen: page is ${m.phone.scrollWidth} px wide`);
  for (const k of ['narrow', 'phone', 'desktop']) {
    const ls = m[k].labels;
    assert.ok(ls.length >= labels, `${k}: ${ls.length} labels drawn, want ≥ ${labels}`);
    for (const l of ls) assert.ok(l.font >= 12, `${k}: label "${l.text}" at ${l.font} CSS px`);
    assert.deepEqual(overlapping(ls), [], `${k}: overlapping labels`);
  }
}

/**
 * A photo of many faces: readable labels that never overlap (at least `minFaces` faces), the list in
 * track order with seven bars each, a still HUD. `shot`: the screenshots' name (null: none).
 */
export async function checkManyFaces(page, file, { minFaces, shot }) {
  await openFile(page, file);
  const r = await page.$eval(VIEW, (v) => v.lastResult);
  assert.ok(r.faces.length >= minFaces, `${r.faces.length} faces`);
  const m = await shoot(page, shot);
  assertFits(m, { labels: r.faces.length });
  const tracks = await page.$$eval(`${VIEW} >>> emo-face-list >>> li`, (els) => els.map((e) => Number(e.dataset.track)));
  assert.deepEqual(tracks, [...tracks].sort((a, b) => a - b));
  assert.equal(tracks.length, r.faces.length);
  assert.equal(await page.$$eval(`${VIEW} >>> emo-face-list >>> li:first-child meter`, (els) => els.length), 7);
  assert.match(await text(page, `${VIEW} >>> #hud`), new RegExp(`^Photo · ${r.faces.length} faces · detect \\d+ ms · classify \\d+ ms$`));
}

/**
 * The snapshot of the photo on screen: colour faces with ids, "N faces more" counted right, a short
 * caption, no heat map while off, the card's face square taken from the analysed frame's pixels.
 */
export async function checkSnapshot(page, { shot }) {
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
  await shoot(page, shot, `${VIEW} >>> emo-snapshot-button`);
  await tap(page, `${VIEW} >>> emo-snapshot-button >>> #close`);
}

/**
 * The timeline of video `file` (named `name` in the downloads), `frames` frames: a chart per face,
 * click to seek, JSON Lines and CSV downloads (saved under `dir`) equal to `npm run analyze` on the
 * same frames.
 */
export async function checkTimeline(page, { file, name, frames, dir, shot }) {
  await openFile(page, file);
  const backend = await page.$eval(VIEW, (v) => v.info.backend);
  const cli = runTool('analyze', ['--backend', backend, '--max-frames', String(frames), file], { timeoutMs: 400_000 });
  await page.$eval(`${VIEW} >>> emo-video-timeline`, (t, k) => t.make(1, k), frames);
  const tracks = await page.$$eval(`${VIEW} >>> emo-video-timeline >>> li[data-track]`, (els) => els.length);
  assert.ok(tracks >= 1, 'one chart per face');
  // The files as a user gets them: the links clicked, Chromium saving the downloads.
  const jsonl = await download(page, `${VIEW} >>> emo-video-timeline >>> #download-jsonl`, name.replace('.mp4', '.timeline.jsonl'), dir);
  const csv = await download(page, `${VIEW} >>> emo-video-timeline >>> #download-csv`, name.replace('.mp4', '.timeline.csv'), dir);
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
  if (shot) {
    // For the screenshot, the first two seconds at 6 frames a second: charts with some length.
    await page.$eval(`${VIEW} >>> emo-video-timeline`, (t) => t.make(5, 60));
    assertFits(await shoot(page, shot, `${VIEW} >>> .timeline`));
  }
}
