// Draws the PWA's icons and takes its screenshots, in headless Chromium, for every entry of
// src/ui/pwa/manifest.webmanifest (the manifest is the list: sizes, purposes, form factors).
// The outputs are committed; rerun after changing the look of the app or the icon:
//
//   node tools/make-pwa-assets.mjs [--icons-only]
//
// Icons: the face of src/ui/app/icon.svg. "any" icons keep its round shape on a transparent ground;
// "maskable" ones (and the 180 px apple-touch-icon, which iOS rounds itself) fill the square with
// the background colour and keep the face inside the central 80 % safe zone.
// Screenshots: the built app, light theme. Wide: the top of the page, the camera view running on
// its sample clip (no camera in headless Chromium; the clip's credit is on the page). Narrow: the
// photo panel after classifying a face cropped from EMOLENS_DATA/media/person_cropped_2.png
// (CC BY 2.0, © 2013 Eugene Kim, credited in README.md).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from '../esbuild.config.mjs';
import { launchBrowser } from './browser.mjs';
import { serveStatic } from './serve.mjs';
import { dataFileOrExit } from './data-dir.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PWA = join(root, 'src/ui/pwa');
const PHOTO = dataFileOrExit('media', 'person_cropped_2.png');
/** The face in PHOTO (460×661): a square around it, in image pixels. */
const FACE = { x: 163, y: 84, size: 78 };

const FEATURES = `<circle cx="22" cy="26" r="4" fill="#fff"/><circle cx="42" cy="26" r="4" fill="#fff"/><path d="M19 40q13 12 26 0" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round"/>`;

/** @param {number} size @param {'any' | 'maskable'} purpose @param {string} colour */
function iconSvg(size, purpose, colour) {
  // The face is drawn in a 64-unit box (as icon.svg); the maskable one shows 80 units, so the face
  // shrinks to 80 % and the background bleeds to every edge.
  return purpose === 'any'
    ? `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 64 64"><circle cx="32" cy="32" r="31" fill="${colour}"/>${FEATURES}</svg>`
    : `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="-8 -8 80 80"><rect x="-8" y="-8" width="80" height="80" fill="${colour}"/>${FEATURES}</svg>`;
}

/** Renders one icon to PNG bytes. */
async function renderIcon(page, size, purpose, colour) {
  await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${iconSvg(size, purpose, colour)}</body></html>`);
  return page.screenshot({ type: 'png', omitBackground: purpose === 'any', clip: { x: 0, y: 0, width: size, height: size } });
}

/** The face of PHOTO as PNG bytes (cropped in the browser: no image library needed). */
async function cropFace(page) {
  const data = `data:image/png;base64,${(await readFile(PHOTO)).toString('base64')}`;
  const b64 = await page.evaluate(async (src, f) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = c.height = 192;
    c.getContext('2d').drawImage(img, f.x, f.y, f.size, f.size, 0, 0, 192, 192);
    return c.toDataURL('image/png').split(',')[1];
  }, data, FACE);
  return Buffer.from(b64, 'base64');
}

async function screenshots(browser, manifest) {
  const tmp = join(tmpdir(), `emolens-shots-${process.pid}`);
  await mkdir(tmp, { recursive: true });
  const out = await build({ outdir: join(tmp, 'dist'), quiet: true });
  const server = await serveStatic({ root: out });
  try {
    const page = await browser.newPage();
    const face = join(tmp, 'face.png');
    await writeFile(face, await cropFace(page));
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    for (const shot of manifest.screenshots) {
      const [width, height] = shot.sizes.split('x').map(Number);
      await page.setViewport({ width, height, deviceScaleFactor: 1 });
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.dataset.emolensState === 'ready', { timeout: 120_000 });
      await page.waitForSelector('emo-app-shell >>> emo-offline-status >>> [data-offline-ready=true]', { timeout: 60_000 });
      if (shot.form_factor === 'wide') {
        // A few analysed frames of the clip (boxes and labels drawn), if the pipeline runs.
        await page
          .waitForFunction(() => {
            const hud = document.querySelector('emo-app-shell')?.shadowRoot?.querySelector('emo-camera-view')?.shadowRoot?.querySelector('#hud');
            return hud !== null && hud !== undefined && !/^0\.0 fps/.test(hud.textContent ?? '');
          }, { timeout: 60_000, polling: 500 })
          .catch(() => console.error('note: the camera view analysed no frame; screenshot without overlays'));
        await new Promise((r) => setTimeout(r, 3000));
        await page.evaluate(() => scrollTo(0, 0));
      } else {
        await photoResult(page, face);
      }
      const bytes = await page.screenshot({ type: 'webp', quality: 80 });
      await writeFile(join(PWA, shot.src), bytes);
      console.log(`${shot.src}: ${width}x${height}, ${bytes.length} bytes`);
    }
  } finally {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Opens `face` in the live view (the app's one way in) and scrolls its face list into view. */
async function photoResult(page, face) {
  const input = await page.waitForSelector('emo-app-shell >>> emo-camera-view >>> #file');
  await input.uploadFile(face);
  await page.waitForSelector('emo-app-shell >>> emo-camera-view >>> emo-face-list >>> li', { timeout: 60_000 });
  // Let late layout settle (the Gender switch's model loads after the pipeline), then show the
  // controls, the picture and the first face from a clean edge: the control bar's top, 12 px below
  // the screen's.
  await new Promise((r) => setTimeout(r, 1500));
  await page.$eval('emo-app-shell >>> emo-camera-view >>> .controls', (e) => scrollTo(0, e.getBoundingClientRect().top + scrollY - 12));
  await new Promise((r) => setTimeout(r, 500));
}

async function main() {
  const { values } = parseArgs({ options: { 'icons-only': { type: 'boolean', default: false } } });
  const manifest = JSON.parse(await readFile(join(PWA, 'manifest.webmanifest'), 'utf8'));
  await mkdir(join(PWA, 'icons'), { recursive: true });
  await mkdir(join(PWA, 'screenshots'), { recursive: true });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const colour = manifest.theme_color;
    const icons = [...manifest.icons, { src: 'icons/apple-touch-icon.png', sizes: '180x180', purpose: 'maskable' }];
    for (const icon of icons) {
      const size = Number(icon.sizes.split('x')[0]);
      const bytes = await renderIcon(page, size, icon.purpose, colour);
      await writeFile(join(PWA, icon.src), bytes);
      console.log(`${icon.src}: ${size}x${size} ${icon.purpose}, ${bytes.length} bytes`);
    }
    await page.close();
    if (!values['icons-only']) await screenshots(browser, manifest);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
