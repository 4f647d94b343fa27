// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly/) to WebAssembly and hands the
// binaries to the bundlers as virtual modules: `emolens:kernels.wasm` (plain SIMD128, plain imported
// memory), `emolens:kernels-fma.wasm` (relaxed-simd fused multiply-add), and `-mt` twins of both on
// shared imported memory for the worker pool (src/kernels/wasm/module.ts picks one). The bytes are
// embedded in the bundle that imports them (esbuild's binary loader), so they are precached with it
// and load without a fetch. Binaries are cached in .cache/wasm/ by a hash of the sources and flags.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(root, 'src/kernels/wasm/assembly');
const CACHE = join(root, '.cache/wasm');

const COMMON = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--importMemory', '--initialMemory', '1'];
/** Flags per variant. 65536 pages = 4 GiB, the wasm32 ceiling: the real size is set by the imported memory. */
const SHARED = ['--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536'];
const FMA = ['--enable', 'relaxed-simd'];
export const VARIANTS = {
  'kernels.wasm': [...COMMON],
  'kernels-fma.wasm': [...COMMON, ...FMA],
  'kernels-mt.wasm': [...COMMON, ...SHARED],
  'kernels-mt-fma.wasm': [...COMMON, ...SHARED, ...FMA],
};

async function sourceHash(flags) {
  const h = createHash('sha256').update(JSON.stringify(flags));
  for (const f of (await readdir(SRC)).filter((f) => f.endsWith('.ts')).sort()) h.update(f).update(await readFile(join(SRC, f)));
  return h.digest('hex').slice(0, 16);
}

/** The compiled binary of `variant` ('kernels.wasm' | 'kernels-mt.wasm'), from the cache when the sources are unchanged. */
export async function compileKernels(variant = 'kernels.wasm') {
  const flags = VARIANTS[variant];
  if (!flags) throw new Error(`wasm-kernels: unknown variant ${variant} (known: ${Object.keys(VARIANTS).join(', ')})`);
  const cached = join(CACHE, `${variant}.${await sourceHash(flags)}`);
  if (existsSync(cached)) return new Uint8Array(await readFile(cached));
  let binary = null;
  const errors = [];
  // Loaded only on a cache miss: the compiler (with binaryen) takes seconds to import.
  const { default: asc } = await import('assemblyscript/asc');
  const { error } = await asc.main([join(SRC, 'index.ts'), '--outFile', 'out.wasm', ...flags], {
    writeFile: (name, contents) => { if (name.endsWith('.wasm')) binary = contents; },
    stdout: { write: () => true },
    stderr: { write: (s) => { errors.push(String(s)); return true; } },
  });
  if (error || !binary) throw new Error(`wasm-kernels: AssemblyScript failed for ${variant}: ${error?.message ?? ''}\n${errors.join('')}`);
  await mkdir(CACHE, { recursive: true });
  await writeFile(cached, binary);
  return binary;
}

const VIRTUAL = /^emolens:(kernels(?:-mt)?(?:-fma)?\.wasm)$/;

/** esbuild plugin: `import bytes from 'emolens:kernels.wasm'` → Uint8Array (binary loader). */
export function wasmKernelsEsbuild() {
  return {
    name: 'emolens-wasm-kernels',
    setup(build) {
      build.onResolve({ filter: VIRTUAL }, (a) => ({ path: VIRTUAL.exec(a.path)[1], namespace: 'emolens-wasm' }));
      build.onLoad({ filter: /.*/, namespace: 'emolens-wasm' }, async (a) => ({ contents: await compileKernels(a.path), loader: 'binary', watchDirs: [SRC] }));
    },
  };
}

/** @web/test-runner plugin: the same import served as a module exporting the bytes. */
export function wasmKernelsWtr() {
  const prefix = '/__emolens-wasm/';
  return {
    name: 'emolens-wasm-kernels',
    resolveImport({ source }) {
      const m = VIRTUAL.exec(source);
      if (m) return `${prefix}${m[1]}.js`;
    },
    async serve(context) {
      if (!context.path.startsWith(prefix)) return;
      const variant = context.path.slice(prefix.length).replace(/\.js$/, '');
      const b64 = Buffer.from(await compileKernels(variant)).toString('base64');
      return { body: `export default Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0));`, type: 'js' };
    },
  };
}
