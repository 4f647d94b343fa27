#!/usr/bin/env node
// Import circles in src/ (type-only imports count: a contract file must not import what
// implements it). Reads every .ts file's `import ... from './x'` and `export ... from './x'`
// (relative paths only), follows them, and prints each circle once; exit code 1 when there is one.
//
//   node tools/check-circles.mjs [DIR]     (default src)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** The file a relative specifier names ('./a.js' and './a' both mean ./a.ts). */
function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(c)) return c;
  return undefined;
}

const files = walk(root);
const edges = new Map();
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = new Set();
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gms)) {
    const d = resolveImport(f, m[1]);
    if (d) deps.add(d);
  }
  edges.set(f, [...deps]);
}

// Depth-first search; a back edge closes a circle (reported once, by its smallest rotation).
const seen = new Set();
const circles = new Set();
const stack = [];
const onStack = new Set();
function visit(f) {
  seen.add(f);
  stack.push(f);
  onStack.add(f);
  for (const d of edges.get(f) ?? []) {
    if (onStack.has(d)) {
      const loop = stack.slice(stack.indexOf(d)).map((p) => relative(root, p));
      const i = loop.indexOf([...loop].sort()[0]);
      circles.add([...loop.slice(i), ...loop.slice(0, i)].join(' → '));
    } else if (!seen.has(d)) visit(d);
  }
  stack.pop();
  onStack.delete(f);
}
for (const f of files) if (!seen.has(f)) visit(f);

if (circles.size) {
  for (const c of circles) console.log(`circle: ${c}`);
  process.exit(1);
}
console.log(`no import circles in ${relative(process.cwd(), root) || '.'} (${files.length} files)`);
