// Shared pieces of the phone e2e test: the two screen sizes, screenshots into docs/screenshots/
// (or $EMOLENS_SCREENSHOTS), and what can be measured on the page in any state.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { root } from './helpers.mjs';

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
 * Screenshots `name` at the phone and desktop sizes (the viewport, scrolled so `focus` is at the top),
 * checks the page is no wider than 320 and 390 px on a phone, and returns the measurements.
 */
export async function shoot(page, name, focus = VIEW) {
  await mkdir(SHOTS, { recursive: true });
  const out = {};
  for (const [key, vp] of [['narrow', NARROW], ['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewport(vp);
    out[key] = await measure(page);
    if (key === 'narrow') continue;
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
  const before = await page.$eval(VIEW, (v) => v.framesAnalyzed);
  await (await page.waitForSelector(`${VIEW} >>> #file`)).uploadFile(file);
  await page.waitForFunction((n) => document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').framesAnalyzed > n, { timeout: 120_000 }, before);
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
