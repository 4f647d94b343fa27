// The Gender switch in the built app (issue 16), in headless Chromium, on the repository's own faces:
// the gender weights are requested only once the switch is on (request interception sees every
// request of the page and its workers); a gender model that cannot load says so and leaves emotion
// working; and every face's gender is either a label or "not estimated" with its reason, the rule
// coming from weights/gender.json.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { frames, openApp as openPage, pick, tap, text, view } from './camera-page.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';
import { encodePng, facesFrame } from './owned-images.mjs';

let browser;
let server;
let dir;
let facesPng;

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-gender-');
  const f = facesFrame();
  facesPng = join(dir, 'faces.png');
  await writeFile(facesPng, encodePng(f.width, f.height, 3, f.rgb));
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const GENDER_FILES = /\/weights\/gender\.(json|safetensors)$/;

/**
 * The app with Gender stored off, every request recorded; `refuse`: the gender weights answer 404.
 * The service worker is bypassed so that every fetch reaches the interception.
 */
async function openApp({ refuse = false } = {}) {
  const urls = [];
  const opened = await openPage(browser, `${server.url}?backend=wasm`, async (p) => {
    await p.evaluateOnNewDocument(() => localStorage.setItem('emolens.gender', 'off'));
    await p.setBypassServiceWorker(true);
    await p.setRequestInterception(true);
    p.on('request', (r) => {
      urls.push(r.url());
      if (refuse && GENDER_FILES.test(new URL(r.url()).pathname)) void r.respond({ status: 404, contentType: 'text/plain', body: 'not here' });
      else void r.continue();
    });
  });
  return { ...opened, urls };
}

const genderSwitch = (page) => page.$eval(`${view} >>> #gender`, (e) => ({ checked: e.checked, disabled: e.disabled }));

test('gender off: no request for the gender weights until the switch is turned on; then faces get a gender', async () => {
  const { page, urls, errors } = await openApp();
  try {
    const off = await pick(page, facesPng);
    assert.ok(off.faces.length >= 5, `faces found: ${off.faces.length}`);
    assert.ok(off.faces.every((f) => f.gender === undefined), 'no gender while off');
    assert.ok(urls.some((u) => /\/weights\/emotion\.safetensors$/.test(u)), `the interception sees the worker's requests: ${urls.filter((u) => /weights/.test(u))}`);
    assert.deepEqual(urls.filter((u) => GENDER_FILES.test(new URL(u).pathname)), [], 'the gender weights were not requested while Gender was off');
    await tap(page, `${view} >>> #gender`);
    await page.waitForFunction((v) => {
      const g = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot.querySelector('#gender');
      return g.checked && !g.disabled;
    }, { timeout: 120_000, polling: 100 }, view);
    assert.deepEqual(urls.filter((u) => GENDER_FILES.test(new URL(u).pathname)).map((u) => new URL(u).pathname).sort(),
      ['/weights/gender.json', '/weights/gender.safetensors']);
    const on = await pick(page, facesPng);
    const rule = JSON.parse(await readFile(join(root, 'weights', 'gender.json'), 'utf8')).decline;
    for (const f of on.faces) {
      assert.ok(f.gender, 'each face has a gender estimate');
      const top = Math.max(...Object.values(f.gender.probs));
      if (f.gender.label === null) {
        assert.ok(['child', 'unsure'].includes(f.gender.reason), `reason: ${f.gender.reason}`);
        if (f.gender.reason === 'unsure') assert.ok(top < rule.gender_min_probability, `declined at ${top}`);
      } else {
        assert.ok(['female', 'male'].includes(f.gender.label));
        assert.ok(!rule || top >= rule.gender_min_probability, `answered at ${top} under the rule's ${rule?.gender_min_probability}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('gender weights that cannot load: the page says so, the switch goes back off, emotion goes on', async () => {
  const { page } = await openApp({ refuse: true });
  try {
    await tap(page, `${view} >>> #gender`);
    await page.waitForSelector(`${view} >>> #gender-error`, { timeout: 60_000 });
    assert.match(await text(page, '#gender-error'), /Could not load the gender model: .*gender\.json.*404.*Emotion goes on without it\./);
    assert.deepEqual(await genderSwitch(page), { checked: false, disabled: false });
    const r = await pick(page, facesPng);
    assert.ok(r.faces.length >= 5 && r.faces.every((f) => f.emotion.label && f.gender === undefined));
    assert.equal((await frames(page)).length, 1);
  } finally {
    await page.close();
  }
});
