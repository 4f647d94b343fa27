// Unreadable and non-regular files never hang a run (issue 15): a FIFO (reading one waits for a
// writer forever), a socket, a link to /dev/zero (a read that never ends), a file and a folder with
// no permissions, and a FIFO given as the PATH itself. Each is one error line naming it, every good
// photo still has its result, and the exit code is 1. The tests run as root here, and root reads
// through any permission bits, so as root the CLIs run as the unprivileged user `nobody` (setpriv);
// as another user they run as that user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, chmod, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureBuilt, parseJsonl, root, runCommand, tempDir } from './helpers.mjs';

let dir;
let server;
const asRoot = process.getuid?.() === 0;

function sh(cmd, ...args) {
  const r = spawnSync(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  await ensureBuilt();
  dir = await tempDir('emolens-robust-files-');
  await chmod(dir, 0o755); // mkdtemp makes it 0700: `nobody` must be able to enter it
  const f = join(dir, 'odd');
  await mkdir(join(f, 'locked'), { recursive: true });
  await mkdir(join(f, 'folder.jpg')); // a folder with a photo's name is walked, not read
  sh('ffmpeg', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x72', '-frames:v', '1', join(f, 'good.png'));
  await copyFile(join(f, 'good.png'), join(f, 'folder.jpg', 'inside.png'));
  await copyFile(join(f, 'good.png'), join(f, 'locked', 'hidden.png'));
  await copyFile(join(f, 'good.png'), join(f, 'no-access.png'));
  sh('mkfifo', join(f, 'fifo.jpg'));
  sh('mkfifo', join(f, 'fifo.mp4'));
  sh('ln', '-s', '/dev/zero', join(f, 'zero.jpg'));
  server = createServer();
  await new Promise((ok) => server.listen(join(f, 'socket.png'), ok));
  await chmod(join(f, 'no-access.png'), 0o000);
  await chmod(join(f, 'locked'), 0o000);
  sh('mkfifo', join(dir, 'lone.jpg'));
});

after(async () => {
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * `node tools/<tool>.mjs …args` as an unprivileged user (as root: `nobody`, through setpriv, with a
 * HOME it can write); resolves to { code, stdout, stderr }. Fails after `timeoutMs`: a hang.
 */
function runUnprivileged(tool, args, { timeoutMs = 180_000 } = {}) {
  const cmd = [process.execPath, join(root, `tools/${tool}.mjs`), ...args];
  const argv = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...cmd] : cmd;
  return runCommand(argv, { env: { ...process.env, HOME: dir }, timeoutMs, hang: `${tool} hung: no exit within ${timeoutMs / 1000} s` });
}

/** The error line expected for each odd entry (file names relative to the folder's parent). */
const ODD = {
  'fifo.jpg': /^not a regular file: .*fifo\.jpg is a FIFO \(named pipe\); skipped$/,
  'zero.jpg': /^not a regular file: .*zero\.jpg is a character device; skipped$/,
  'socket.png': /^not a regular file: .*socket\.png is a socket; skipped$/,
  'no-access.png': /^permission denied: .*no-access\.png$/,
  locked: /^permission denied: could not list the folder .*locked$/,
};

test('classify on a folder with a FIFO, a socket, a link to /dev/zero, a file and a folder without permission: one error line each, the good photos classified, exit 1', async () => {
  const t0 = performance.now();
  const r = await runUnprivileged('classify', [join(dir, 'odd')]);
  const s = (performance.now() - t0) / 1000;
  assert.equal(r.code, 1, r.stderr);
  const lines = new Map(parseJsonl(r.stdout).map((l) => [l.file, l]));
  for (const good of ['good.png', 'folder.jpg/inside.png']) assert.ok(lines.get(good)?.label, `${good}: ${JSON.stringify(lines.get(good))}`);
  for (const [name, message] of Object.entries(ODD)) assert.match(lines.get(name)?.error ?? '(no line)', message, name);
  assert.equal(lines.size, 2 + Object.keys(ODD).length, [...lines.keys()].join(', '));
  console.error(`# classify, odd entries: exit ${r.code} in ${s.toFixed(1)} s`);

  const lone = await runUnprivileged('classify', [join(dir, 'lone.jpg')]);
  assert.equal(lone.code, 1, lone.stderr);
  assert.match(parseJsonl(lone.stdout)[0].error, /^not a regular file: .*lone\.jpg is a FIFO/);
});

test('analyze on the same folder, a FIFO named as a video in it and a FIFO given as a PATH: one error line each, the good photos analysed, exit 1', async () => {
  const t0 = performance.now();
  const r = await runUnprivileged('analyze', ['--no-gender', join(dir, 'odd'), join(dir, 'lone.jpg')]);
  const s = (performance.now() - t0) / 1000;
  assert.equal(r.code, 1, r.stderr);
  const lines = new Map(parseJsonl(r.stdout).map((l) => [l.file.replace(/^odd\//, ''), l]));
  for (const good of ['good.png', 'folder.jpg/inside.png']) assert.ok(Array.isArray(lines.get(good)?.faces), `${good}: ${JSON.stringify(lines.get(good))}`);
  for (const [name, message] of Object.entries({ ...ODD, 'fifo.mp4': /^not a regular file: .*fifo\.mp4 is a FIFO/ })) {
    assert.match(lines.get(name)?.error ?? '(no line)', message, name);
  }
  assert.match(lines.get(join(dir, 'lone.jpg'))?.error ?? '(no line)', /^not a regular file: .*lone\.jpg is a FIFO/);
  assert.equal(lines.size, 2 + Object.keys(ODD).length + 2, [...lines.keys()].join(', '));
  console.error(`# analyze, odd entries: exit ${r.code} in ${s.toFixed(1)} s`);
});

test('a folder where a file is expected (--out) and a file where a folder is expected (--annotate): usage errors, exit 2', async () => {
  const out = await runUnprivileged('classify', ['--out', dir, join(dir, 'odd', 'good.png')]);
  assert.equal(out.code, 2, out.stderr);
  assert.match(out.stderr, /--out must be a file, and .* is a folder/);
  const annotate = await runUnprivileged('analyze', ['--annotate', join(dir, 'odd', 'good.png'), join(dir, 'odd', 'good.png')]);
  assert.equal(annotate.code, 2, annotate.stderr);
  assert.match(annotate.stderr, /--annotate must be a folder, and .* is a file/);
});
