// Builds test/e2e/detector-page.ts into <dist>/detector-page.{js,html} (the app's build must be
// there: the page loads dist/weights/ and the worker dist/inference.worker.js) and opens it in
// headless Chromium. Shared by test/data/yunet-parity.test.mjs and tools/bench-detector.mjs.
import * as esbuild from 'esbuild';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forwardPageErrors, launchBrowser } from './browser.mjs';
import { serveStatic } from './serve.mjs';
import { wasmKernelsEsbuild } from './wasm-kernels.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>emolens detector page (driven by tools/detector-page.mjs)</title>
    <script type="module" src="detector-page.js"></script>
  </head>
  <body></body>
</html>
`;

/** Bundles the page next to the app in `dist`. */
export async function buildDetectorPage(dist = join(root, 'dist')) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { 'detector-page': 'test/e2e/detector-page.ts' },
    outdir: dist,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    loader: { '.wgsl': 'text' },
    plugins: [wasmKernelsEsbuild()],
    tsconfig: 'tsconfig.json',
    logLevel: 'warning',
  });
  await writeFile(join(dist, 'detector-page.html'), HTML);
}

/**
 * Serves `dist`, opens the page, waits for it. Returns { page, close }; page.evaluate(() =>
 * window.detectorPage.…) drives it.
 */
export async function openDetectorPage(dist = join(root, 'dist')) {
  await buildDetectorPage(dist);
  const server = await serveStatic({ root: dist });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    forwardPageErrors(page, '[detector-page]');
    await page.goto(`${server.url}detector-page.html`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', { timeout: 60_000 });
    return {
      page,
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser.close();
    await server.close();
    throw e;
  }
}
