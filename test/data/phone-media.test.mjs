// The phone checks of test/e2e/phone.test.mjs on the data folder's media (issue 14): many faces
// and the share card on race.jpg (11 faces), the timeline of video_01.mp4 and video_02.mp4 with its
// downloads against `npm run analyze`. These make the README's many-faces, snapshot and timeline
// screenshots (docs/screenshots/).
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, root, tempDir } from '../e2e/helpers.mjs';
import { checkManyFaces, checkSnapshot, checkTimeline, openApp } from '../e2e/phone-helpers.mjs';
import { useData } from './data-folder.mjs';
import { join } from 'node:path';

const [race, video01, video02] = useData(import.meta, ['media', 'race.jpg'], ['media', 'video_01.mp4'], ['media', 'video_02.mp4']);

let browser, server, dir, page;

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-phone-media-');
  server = await serveStatic({ root: join(root, 'dist') });
  browser = await launchBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] });
  page = await openApp(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('many faces (race.jpg): readable labels that never overlap, list in track order with seven bars, a still HUD', async () => {
  await checkManyFaces(page, race, { minFaces: 8, shot: 'many-faces' });
});

test('snapshot of race.jpg: colour faces with ids, "8 faces more" counted right, a short caption, no heat map while off', async () => {
  await checkSnapshot(page, { shot: 'snapshot' });
});

for (const [file, name, frames] of [[video01, 'video_01.mp4', 6], [video02, 'video_02.mp4', 4]]) {
  test(`timeline of ${name}: a chart per face, click to seek, downloads equal to npm run analyze on the same frames`, async () => {
    await checkTimeline(page, { file, name, frames, dir, shot: name === 'video_01.mp4' ? 'timeline' : null });
  });
}
