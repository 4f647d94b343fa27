// Browser tests in Debian's Chromium with WebGPU on (SwiftShader when there is no GPU).
// Never downloads a browser: CHROME_PATH or /usr/bin/chromium.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { wasmKernelsWtr } from './tools/wasm-kernels.mjs';
import { wgslPlugin } from './tools/wtr-wgsl-plugin.mjs';

export const chromiumArgs = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default {
  files: ['test/**/*.test.ts', 'src/**/*.test.ts', '!test/e2e/**'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 15 * 60 * 1000,
  testFramework: { config: { ui: 'tdd', timeout: 120000 } },
  mimeTypes: { '**/*.wgsl': 'js' },
  // Cross-origin isolated, as tools/serve.mjs serves the app: SharedArrayBuffer, so the wasm
  // kernels' worker pool runs in the tests (test/kernels/wasm/threads.test.ts).
  middleware: [
    async (ctx, next) => {
      await next();
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
    },
  ],
  plugins: [wgslPlugin(), wasmKernelsWtr(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: chromiumArgs,
      },
    }),
  ],
};
