// The Gender switch in the built app (issue 16), in headless Chromium, on the repository's own faces:
// the gender weights are requested only once the switch is on (the server records every request it
// gets, the workers' included); a gender model that cannot load (a copy of the app without them)
// says so and leaves emotion working; and every face's gender is either a label or "not estimated" with its reason, the rule
// coming from weights/gender.json.
import assert from 'node:assert/strict';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { frames, openApp as openPage, pick, tap, text, view } from './camera-page.mjs';
import { ensureBuilt, root, tempDir } from './helpers.mjs';
import { encodePng, facesFrame } from './owned-images.mjs';

let browser;
let server;
/** The same app without weights/gender.*: its gender model cannot load. */
let broken;
let dir;
let facesPng;
/** Paths the servers were asked for, in order (the test that reads them runs alone). */
const served = [];
const onRequest = (req) => served.push(new URL(req.url, 'http://x').pathname);

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-gender-');
  const f = facesFrame();
  facesPng = join(dir, 'faces.png');
  await writeFile(facesPng, encodePng(f.width, f.height, 3, f.rgb));
  // Copies of the app without its service worker, whose precache would fetch every weights file.
  for (const copy of ['app', 'broken']) {
    await cp(join(root, 'dist'), join(dir, copy), { recursive: true });
    await rm(join(dir, copy, 'sw.js'));
  }
  await rm(join(dir, 'broken', 'weights', 'gender.json'));
  await rm(join(dir, 'broken', 'weights', 'gender.safetensors'));
  server = await serveStatic({ root: join(dir, 'app'), onRequest });
  broken = await serveStatic({ root: join(dir, 'broken'), onRequest });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await broken?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const GENDER_FILES = /^\/weights\/gender\.(json|safetensors)$/;

/** The app with Gender stored off, every request recorded; `refuse`: the copy without the gender weights. */
async function openApp({ refuse = false } = {}) {
  served.length = 0;
  const urls = served;
  const opened = await openPage(browser, `${(refuse ? broken : server).url}?backend=wasm`, async (p) => {
    await p.evaluateOnNewDocument(() => localStorage.setItem('emolens.gender', 'off'));
  });
  return { ...opened, urls };
}

const genderSwitch = (page) => page.$eval(`${view} >>> #gender`, (e) => ({ checked: e.checked, disabled: e.disabled }));

test('gender off: no request for the gender weights until the switch is turned on; then faces get a gender', async () => {
  const { page, urls, errors } = await openApp();
  try {
    await pick(page, facesPng);
    assert.ok((await frames(page)).every((f) => f.timings.gender === undefined && f.faces.every((x) => x.gender === undefined)), 'no gender while off');
    assert.ok(urls.some((u) => u === '/weights/emotion.safetensors'), `the server sees the worker's requests: ${urls.filter((u) => /weights/.test(u))}`);
    assert.deepEqual(urls.filter((u) => GENDER_FILES.test(u)), [], 'the gender weights were not requested while Gender was off');
    await tap(page, `${view} >>> #gender`);
    // The switch shows "loading" from the click on (before the worker asks the server), until the model is built.
    for (const t0 = Date.now(); !urls.includes('/weights/gender.safetensors'); ) {
      assert.ok(Date.now() - t0 < 120_000, 'the gender weights were requested after the switch went on');
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.waitForFunction((v) => {
      const g = document.querySelector('emo-app-shell').shadowRoot.querySelector('emo-camera-view').shadowRoot.querySelector('#gender');
      return g.checked && !g.disabled;
    }, { timeout: 120_000, polling: 100 }, view);
    assert.deepEqual(urls.filter((u) => GENDER_FILES.test(u)).sort(),
      ['/weights/gender.json', '/weights/gender.safetensors']);
    // The photo's own result (the sample clip may have been playing, machine without a camera): the
    // latest frame once it carries the gender stage's timing.
    await pick(page, facesPng);
    await page.waitForFunction(() => window.__frames.at(-1).timings.gender !== undefined, { timeout: 120_000, polling: 200 });
    const on = (await frames(page)).at(-1);
    assert.ok(on.faces.length >= 5, `faces found: ${on.faces.length}`);
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
    // The copies have no sw.js on purpose: its failed registration is the only error allowed.
    assert.deepEqual(errors.filter((e) => !/when fetching the script/.test(e)), []);
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
  } finally {
    await page.close();
  }
});
