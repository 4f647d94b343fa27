// Bad input never hangs and never lies (issue 15, cases 2–7): folders mixing good, broken and odd
// files, all generated here with ffmpeg (no binary fixtures): truncated and empty videos, a
// truncated photo, a 9000×7000 photo, a symbolic link loop and a dangling link; and a renderer
// killed mid-run. Each run must end, give exactly the lines it should (a result for every good
// input, one error line per bad one, none made up), print only JSON Lines on stdout, and exit 1
// when any input failed, 0 when none did, 2 for bad usage.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { link, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt, parseJsonl, root, runTool, tempDir } from './helpers.mjs';

let dir;

function ffmpeg(...args) {
  const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...args]);
  assert.equal(r.status, 0, `ffmpeg (Debian package) ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-robust-cli-');
  const m = join(dir, 'media');
  await mkdir(join(m, 'sub'), { recursive: true });
  // 4 s at 10 fps, a keyframe each second, index first (as a web video): cut in half it opens but
  // its second half cannot be decoded.
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '4', '-pix_fmt', 'yuv420p', '-g', '10', '-movflags', '+faststart', join(m, 'good.mp4'));
  const video = await readFile(join(m, 'good.mp4'));
  await writeFile(join(m, 'cut.mp4'), video.subarray(0, video.length >> 1));
  await writeFile(join(m, 'empty.mp4'), '');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120', '-frames:v', '1', join(m, 'photo.jpg'));
  const photo = await readFile(join(m, 'photo.jpg'));
  await writeFile(join(m, 'cut.jpg'), photo.subarray(0, 200));
  await symlink('..', join(m, 'sub', 'loop'));
  await symlink('/nonexistent/emolens.jpg', join(m, 'sub', 'dangling.jpg'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Lines grouped by file. */
function byFile(lines) {
  const m = new Map();
  for (const l of lines) m.set(l.file, [...(m.get(l.file) ?? []), l]);
  return m;
}

test('analyze on a folder with truncated, empty and good videos, a broken photo, a link loop and a dangling link: ends, every good file has its lines, one error line per bad one, exit 1', async () => {
  const t0 = performance.now();
  const r = await runTool('analyze', ['--no-gender', join(dir, 'media')], { timeoutMs: 300_000 });
  const s = (performance.now() - t0) / 1000;
  assert.equal(r.code, 1, r.stderr);
  const files = byFile(parseJsonl(r.stdout)); // throws on anything but JSON lines
  const good = files.get('media/good.mp4');
  assert.deepEqual(good.map((l) => l.frame), [...Array(40).keys()], 'every frame of the good video');
  assert.ok(good.every((l) => Array.isArray(l.faces) && !l.error));
  assert.deepEqual(files.get('media/photo.jpg').map((l) => l.frame), [0]);
  // The truncated video: the frames before the damage, then one error line naming the frame reached.
  const cut = files.get('media/cut.mp4');
  const last = cut.at(-1);
  assert.ok(cut.length >= 2 && cut.slice(0, -1).every((l, i) => l.frame === i && l.faces), JSON.stringify(cut.slice(-2)));
  assert.equal(last.frame, cut.length - 1);
  assert.match(last.error, new RegExp(`^stopped at frame ${last.frame} of \\d+: `));
  const errors = (f) => files.get(f).map((l) => l.error);
  assert.match(errors('media/empty.mp4')[0], /could not decode media\/empty\.mp4 as a video/);
  assert.match(errors('media/cut.jpg')[0], /could not decode media\/cut\.jpg as an image/);
  assert.match(errors('media/sub/loop')[0], /^symbolic link loop: /);
  assert.match(errors('media/sub/dangling.jpg')[0], /^dangling symbolic link/);
  assert.equal(files.size, 7, [...files.keys()].join(', '));
  assert.doesNotMatch(r.stderr, /detached Frame|\n\s+at /);
  console.error(`# analyze, mixed folder: exit ${r.code} in ${s.toFixed(1)} s`);
});

test('classify on a folder with good, truncated and three 9000×7000 photos, a link loop and a dangling link: one line each, exit 1; all good: exit 0; bad usage: exit 2', async () => {
  const f = join(dir, 'photos');
  await mkdir(join(f, 'sub'), { recursive: true });
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=1', '-frames:v', '3', join(f, 'good%d.png'));
  // Three huge photos (one file, linked): each is decoded scaled down, one at a time.
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=9000x7000', '-frames:v', '1', '-q:v', '8', join(f, 'huge1.jpg'));
  await link(join(f, 'huge1.jpg'), join(f, 'huge2.jpg'));
  await link(join(f, 'huge1.jpg'), join(f, 'huge3.jpg'));
  await writeFile(join(f, 'broken.jpg'), (await readFile(join(f, 'huge1.jpg'))).subarray(0, 300));
  await symlink('..', join(f, 'sub', 'loop'));
  await symlink('/nonexistent/emolens.png', join(f, 'sub', 'dangling.png'));
  const t0 = performance.now();
  const r = await runTool('classify', [f], { timeoutMs: 300_000 });
  const s = (performance.now() - t0) / 1000;
  assert.equal(r.code, 1, r.stderr);
  const files = byFile(parseJsonl(r.stdout));
  for (const g of ['good1.png', 'good2.png', 'good3.png', 'huge1.jpg', 'huge2.jpg', 'huge3.jpg']) {
    assert.equal(files.get(g)?.length, 1, g);
    assert.ok(files.get(g)[0].label && !files.get(g)[0].error, `${g}: ${JSON.stringify(files.get(g)[0])}`);
  }
  assert.deepEqual(files.get('huge3.jpg')[0].probs, files.get('huge1.jpg')[0].probs, 'the same photo, the same answer');
  assert.match(files.get('broken.jpg')[0].error, /Could not decode broken\.jpg as an image/);
  assert.match(files.get('sub/loop')[0].error, /^symbolic link loop: /);
  assert.match(files.get('sub/dangling.png')[0].error, /^dangling symbolic link/);
  assert.equal(files.size, 9, [...files.keys()].join(', '));
  assert.match(r.stderr, /summary: 9 images \(6 classified, 3 errors\)/);
  console.error(`# classify, mixed folder: exit ${r.code} in ${s.toFixed(1)} s`);

  const ok = await runTool('classify', [join(f, 'good1.png')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(parseJsonl(ok.stdout).length, 1);
  const usage = await runTool('classify', ['--batch', 'x', f]);
  assert.equal(usage.code, 2);
  assert.equal(usage.stdout, '');
  assert.equal((await runTool('analyze', ['--max-frames', '0', f])).code, 2);
});

/** Pids of the renderer processes under `pid` (the CLI's Chromium), from /proc. */
function renderersUnder(pid) {
  const children = new Map();
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const ppid = Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (q) => {
    for (const c of children.get(q) ?? []) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer')) out.push(c);
      } catch {
        // gone meanwhile
      }
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Runs a CLI and kills every renderer of its Chromium once stderr matches `when`; resolves to
 * { code, stdout, stderr, killed }.
 */
function runAndKillRenderer(tool, args, when) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [join(root, `tools/${tool}.mjs`), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    let killed = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!killed && when.test(stderr)) {
        killed = -1;
        setTimeout(() => {
          const pids = renderersUnder(child.pid);
          for (const p of pids) process.kill(p, 'SIGKILL');
          killed = pids.length;
        }, 300);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${tool} did not end within 300 s after the renderer was killed\n${stderr}`));
    }, 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr, killed });
    });
  });
}

test('a renderer killed mid-run: analyze and classify restart the page, retry the current file or batch once, and finish with every result and exit 0', async () => {
  const m = join(dir, 'crash');
  await mkdir(m, { recursive: true });
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '20', '-pix_fmt', 'yuv420p', join(m, 'a.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '40', join(m, 'p%02d.png'));
  const t0 = performance.now();
  const a = await runAndKillRenderer('analyze', ['--no-gender', m], /crash\/a\.mp4: 320x240/);
  const sa = (performance.now() - t0) / 1000;
  assert.ok(a.killed > 0, 'a renderer was killed');
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /analyze: the page (crashed|went away|was closed)[^\n]* during crash\/a\.mp4; trying it again in a fresh page/);
  const files = byFile(parseJsonl(a.stdout));
  assert.deepEqual(files.get('crash/a.mp4').map((l) => l.frame), [...Array(200).keys()], 'each frame once');
  assert.equal(files.size, 41);
  assert.ok([...files.values()].flat().every((l) => !l.error));
  console.error(`# analyze, renderer killed: exit ${a.code} in ${sa.toFixed(1)} s`);

  const t1 = performance.now();
  // The wasm path classifies 40 small photos in 0.3 s, before the kill: classify gets 400 of its own.
  const mc = join(dir, 'crash-classify');
  await mkdir(mc, { recursive: true });
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10', '-frames:v', '400', join(mc, 'p%03d.png'));
  const c = await runAndKillRenderer('classify', ['--batch', '8', mc], /classifying 400 images/);
  const sc = (performance.now() - t1) / 1000;
  assert.ok(c.killed > 0, 'a renderer was killed');
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, /classify: the page (crashed|went away|was closed)[^\n]*; trying it again in a fresh page/);
  const lines = parseJsonl(c.stdout);
  assert.deepEqual(lines.map((l) => l.file).sort(), readdirSync(mc).filter((n) => n.endsWith('.png')).sort(), 'one line per photo, none twice');
  assert.ok(lines.every((l) => l.label));
  console.error(`# classify, renderer killed: exit ${c.code} in ${sc.toFixed(1)} s`);
});

/** `npm run …` from the repository root; resolves to { code, stdout, stderr }. */
function npmRun(args) {
  return new Promise((ok, fail) => {
    const env = { ...process.env };
    delete env.npm_config_loglevel; // as from a shell, even when the tests run under npm -s
    const child = spawn('npm', ['run', ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

test('npm run: npm\'s banner on stdout is named on stderr with the ways round it; npm run -s gives pure JSON Lines', async () => {
  const photo = join(dir, 'media', 'photo.jpg');
  const plain = await npmRun(['classify', '--', photo]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^\s*> emolens@/, 'npm prints its banner on stdout');
  assert.match(plain.stderr, /classify: note: npm printed its banner lines on stdout[^\n]*npm run -s classify[^\n]*--out FILE/);
  const quiet = await npmRun(['-s', 'classify', '--', photo]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(parseJsonl(quiet.stdout).length, 1, 'stdout holds exactly the one JSON line');
  assert.doesNotMatch(quiet.stderr, /note: npm printed/);
});
