// The system packages the tests need, checked before anything else runs (the first lines of
// `npm test` and `npm run test:data`), so that a missing one is named with the command that
// installs it instead of failing deep inside a test. As root on Debian it installs them itself,
// as .ci/run does.
//
//   node tools/check-system.mjs          Chromium (browser tests, e2e tests)
//   node tools/check-system.mjs --data   Chromium and ffmpeg (the data tests decode real videos)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { data: { type: 'boolean', default: false } } });

/** Whether `cmd args` runs and exits 0. */
function runs(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0;
}

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
/** { what, debian (package), ok } for each thing the chosen group needs. */
const needs = [
  { what: `Chromium (${chrome}; another path: CHROME_PATH)`, debian: 'chromium', ok: () => existsSync(chrome) && runs(chrome, ['--version']) },
];
if (values.data) needs.push({ what: 'ffmpeg and ffprobe', debian: 'ffmpeg', ok: () => runs('ffmpeg', ['-version']) && runs('ffprobe', ['-version']) });

const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
const isDebian = /^ID=("?)debian\1$/m.test(osRelease);
const isRoot = process.getuid?.() === 0;

let missing = needs.filter((n) => !n.ok());
// A CHROME_PATH that is not there is the user's setting to fix, not a package to install.
const installable = () => missing.filter((n) => !(n.debian === 'chromium' && process.env.CHROME_PATH));
if (installable().length && isDebian && isRoot && runs('apt-get', ['--version'])) {
  const pkgs = installable().map((n) => n.debian);
  console.error(`check-system: installing ${pkgs.join(', ')} (apt-get, as root on Debian)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status === 0) spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  missing = needs.filter((n) => !n.ok());
}

if (missing.length) {
  const pkgs = missing.map((n) => n.debian).join(' ');
  console.error(`missing system packages: ${missing.map((n) => n.what).join('; ')}`);
  console.error(`install them (Debian): sudo apt-get install -y --no-install-recommends ${pkgs}`);
  if (missing.some((n) => n.debian === 'chromium')) {
    console.error('(Ubuntu ships Chromium as a snap: sudo snap install chromium, then CHROME_PATH=/snap/bin/chromium npm test)');
  }
  process.exit(1);
}
console.error(`check-system: ${needs.map((n) => n.debian).join(', ')} found`);
