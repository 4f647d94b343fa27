// Driving the camera view of the built app in headless Chromium (puppeteer), shared by the camera
// tests on the repository's own inputs (camera.test.mjs) and on the data folder's media
// (test/data/camera-media.test.mjs).
import { forwardPageErrors } from '../../tools/browser.mjs';
import { waitAnalysedFrom } from './helpers.mjs';
import { basename } from 'node:path';

export const LABEL = /^#\d+ (angry|disgust|fear|happy|sad|surprise|neutral) \d+%/;
export const view = 'emo-app-shell >>> emo-camera-view';

/**
 * Opens the app at `url`; `setup` runs before any page script. Records every emo-frame in
 * window.__frames. With `ready`, waits until the pipeline loaded (the Start button is enabled).
 */
export async function openApp(browser, url, setup, { ready = true } = {}) {
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
  await page.goto(url);
  // Generous: the first load compiles every pipeline, and other test suites may share the CPU.
  if (ready) await page.waitForSelector(`${view} >>> #start:not([disabled])`, { timeout: 240_000 });
  return { page, errors };
}

// A DOM click, not a mouse click at the element's measured position: in about 1 of 8 fresh
// browsers the first Start click never reached the button (no getUserMedia, no error, the button
// still read "Start camera"), most likely a layout shift between measuring and clicking.
export const tap = (page, sel) => page.$eval(sel, (el) => el.click());
export const frames = (page) => page.evaluate(() => window.__frames);
export const waitFrames = (page, n, timeout = 120_000) => page.waitForFunction((k) => window.__frames.length >= k, { timeout, polling: 200 }, n);
export const faceTexts = (page) => page.$$eval(`${view} >>> emo-face-list >>> li .caption`, (els) => els.map((e) => e.textContent.trim()));
export const text = (page, sel) => page.$eval(`${view} >>> ${sel}`, (e) => e.textContent.replace(/\s+/g, ' ').trim());

/**
 * Opens `file` with the view's file input; resolves to the frame result it produced (the view's
 * analysedFrom names the file: a frame of the camera or clip before it, finishing meanwhile, is not it).
 */
export async function pick(page, file) {
  const input = await page.waitForSelector(`${view} >>> #file`);
  await input.uploadFile(file);
  await waitAnalysedFrom(page, basename(file), 120_000);
  return (await frames(page)).at(-1);
}
