// A video whose seek stalls without an error (issue 15): the decoder neither answers nor fails,
// simulated by test/e2e/stall-video-hook.mjs (one seek swallowed, so `seeked` never fires). analyze
// must end that file within the seek limit derived from the video (10 s + 4 × the time it took to
// open), with its frames so far and an error line naming the frame reached, and go on with the next
// files; the benchmark page's bench() must end the same way instead of waiting forever.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser } from '../../tools/browser.mjs';
import { serveStatic } from '../../tools/serve.mjs';
import { ensureBuilt, parseJsonl, root, runCommand, tempDir } from './helpers.mjs';
import { stallOneSeek } from './stall-video-hook.mjs';

let dir;
let dist;

function ffmpeg(...args) {
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  assert.equal(r.status, 0, `ffmpeg (Debian package) ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  dist = await ensureBuilt();
  dir = await tempDir('emolens-robust-stall-');
  await mkdir(join(dir, 'media'));
  // 2 s at 10 fps each: a.mp4 stalls at its 5th seek (frame 4), b.mp4 and c.png come after it.
  for (const name of ['a', 'b']) ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-t', '2', '-pix_fmt', 'yuv420p', join(dir, 'media', `${name}.mp4`));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=96x72', '-frames:v', '1', join(dir, 'media', 'c.png'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('analyze: a seek that never completes ends that video with its frames so far and "stopped at frame 4", within the limit derived from the video; the next files are analysed; exit 1', async () => {
  const t0 = performance.now();
  const r = await runCommand([process.execPath, '--import', './test/e2e/stall-video-hook.mjs', 'tools/analyze.mjs', '--no-gender', join(dir, 'media')], {
    env: { ...process.env, EMOLENS_TEST_STALL_SEEK: '5' }, hang: 'analyze hung on the stalled seek (no exit in 240 s)',
  });
  const s = (performance.now() - t0) / 1000;
  assert.equal(r.code, 1, r.stderr);
  const lines = parseJsonl(r.stdout);
  const of = (f) => lines.filter((l) => l.file === `media/${f}`);
  assert.deepEqual(of('a.mp4').map((l) => l.frame), [0, 1, 2, 3, 4]);
  assert.ok(of('a.mp4').slice(0, 4).every((l) => Array.isArray(l.faces)));
  const stalled = of('a.mp4')[4];
  // The limit is the page's seek limit, from the video's own opening time: 10 s + 4 × open ms.
  const m = /^stopped at frame 4 of 20: seeking to 0\.450 s took longer than (\d+\.\d) s \(stalled or truncated video\)$/.exec(stalled.error);
  assert.ok(m, stalled.error);
  assert.ok(Number(m[1]) >= 10 && Number(m[1]) < 60, `the seek limit ${m[1]} s is 10 s + 4 × the video's opening time`);
  assert.deepEqual(of('b.mp4').map((l) => l.frame), [...Array(20).keys()], 'the next video: every frame');
  assert.ok(of('b.mp4').every((l) => Array.isArray(l.faces)));
  assert.deepEqual(of('c.png').map((l) => l.frame), [0]);
  assert.match(r.stderr, /error: media\/a\.mp4: stopped at frame 4 of 20/);
  console.error(`# analyze, stalled seek: exit ${r.code} in ${s.toFixed(1)} s (seek limit ${m[1]} s)`);
});

test('analyze page bench(): a seek that never completes rejects after the seek limit instead of waiting forever', async () => {
  const server = await serveStatic({ root: dist });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(stallOneSeek, 2);
    await page.goto(`${server.url}analyze.html`);
    await page.waitForFunction(() => window.emolensAnalyze !== undefined);
    const base64 = (await readFile(join(dir, 'media', 'b.mp4'))).toString('base64');
    await page.evaluate((b) => window.emolensAnalyze.openVideo(b, 'b.mp4'), base64);
    const error = await page.evaluate(
      (t) => window.emolensAnalyze.bench(t, { gender: false, warmup: 0, seekTimeoutMs: 3000 }).then(() => 'resolved', (e) => String(e.message ?? e)),
      [0.05, 0.15, 0.25],
    );
    assert.equal(error, 'seeking to 0.150 s took longer than 3.0 s (stalled or truncated video)');
  } finally {
    await browser.close();
    await server.close();
  }
});
