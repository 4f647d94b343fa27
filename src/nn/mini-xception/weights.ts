// Load a mini-Xception: validate every tensor of weights/<model>.safetensors against what
// weights/<model>.json implies, then fold BN and transpose to NHWC (fold-bn.ts). Any mismatch is an
// error naming the tensor: a wrong file must never turn into a silently wrong classifier.
import { type BatchNorm, foldConv, foldPointwise, transposeDepthwise } from '../fold-bn.js';
import type { ConvW, FoldedMiniXception } from './folded.js';
import { type FetchFn, fetchWeightFiles } from '../fetch-weights.js';
import { type ModelSpec, headWidth, parseModelSpec } from '../model-spec.js';
import { type SafeTensor, parseSafetensors } from '../safetensors.js';

type Shape4 = [number, number, number, number];

/** Every tensor of training/model.py's state_dict (num_batches_tracked dropped), with its shape. */
export function expectedTensors(spec: ModelSpec): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const bn = (prefix: string, c: number) => {
    for (const p of ['weight', 'bias', 'running_mean', 'running_var']) m.set(`${prefix}.${p}`, [c]);
  };
  const s = spec.stem;
  m.set('stem.0.conv.weight', [s, spec.input.channels, 3, 3]);
  bn('stem.0.bn', s);
  m.set('stem.1.conv.weight', [s, s, 3, 3]);
  bn('stem.1.bn', s);
  const chans = [s, ...spec.widths];
  spec.widths.forEach((c, i) => {
    const cin = chans[i];
    const p = `blocks.${i}`;
    m.set(`${p}.shortcut.conv.weight`, [c, cin, 1, 1]);
    bn(`${p}.shortcut.bn`, c);
    m.set(`${p}.sep1.depthwise.weight`, [cin, 1, 3, 3]);
    m.set(`${p}.sep1.pointwise.weight`, [c, cin, 1, 1]);
    bn(`${p}.bn1`, c);
    m.set(`${p}.sep2.depthwise.weight`, [c, 1, 3, 3]);
    m.set(`${p}.sep2.pointwise.weight`, [c, c, 1, 1]);
    bn(`${p}.bn2`, c);
  });
  m.set('head.weight', [headWidth(spec), chans[chans.length - 1], 3, 3]);
  m.set('head.bias', [headWidth(spec)]);
  return m;
}

const MAX_LISTED = 8;

/** All problems with the tensor set, in a stable order: missing, shape, extra, values. */
function validate(spec: ModelSpec, tensors: Map<string, SafeTensor>): string[] {
  const expected = expectedTensors(spec);
  const problems: string[] = [];
  const values: string[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) { problems.push(`missing tensor "${name}"`); continue; }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`tensor "${name}" has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`);
      continue;
    }
    let bad = 0;
    let first = -1;
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) { bad++; if (first < 0) first = i; }
    if (bad) values.push(`tensor "${name}" has ${bad} non-finite value${bad > 1 ? 's' : ''} (first: ${t.data[first]} at index ${first})`);
    else if (name.endsWith('.running_var')) {
      const neg = t.data.findIndex((v) => v < 0);
      if (neg >= 0) values.push(`tensor "${name}" has a negative variance ${t.data[neg]} at channel ${neg}`);
    }
  }
  for (const name of tensors.keys()) if (!expected.has(name)) problems.push(`unexpected tensor "${name}"`);
  return [...problems, ...values];
}

/** Validate and fold already-parsed tensors. `source` prefixes errors (a URL, or 'weights'). */
export function foldMiniXception(spec: ModelSpec, tensors: Map<string, SafeTensor>, source = 'weights'): FoldedMiniXception {
  const problems = validate(spec, tensors);
  if (problems.length === 1) throw new Error(`${source}: ${problems[0]}`);
  if (problems.length > 1) {
    const listed = problems.slice(0, MAX_LISTED).join('; ');
    const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
    const hint = problems.some((p) => !p.includes('non-finite') && !p.includes('negative variance'))
      ? ` (does "${spec.name}" .json describe this .safetensors file?)` : '';
    throw new Error(`${source}: ${problems.length} problems: ${listed}${more}${hint}`);
  }
  const data = (name: string) => tensors.get(name)!.data;
  const shape = (name: string) => tensors.get(name)!.shape as Shape4;
  const bn = (p: string): BatchNorm => ({
    weight: data(`${p}.weight`), bias: data(`${p}.bias`), running_mean: data(`${p}.running_mean`), running_var: data(`${p}.running_var`),
  });
  const eps = spec.bn_eps;
  const checked = <T extends { w: Float32Array; b?: Float32Array }>(what: string, x: T): T => {
    const ok = (a: Float32Array) => a.every(Number.isFinite);
    if (!ok(x.w) || (x.b && !ok(x.b))) {
      throw new Error(`${source}: folding "${what}" gives non-finite weights (running_var + bn_eps ${eps} too small?)`);
    }
    return x;
  };
  const convBn = (p: string): ConvW => checked(`${p}.bn`, foldConv(data(`${p}.conv.weight`), shape(`${p}.conv.weight`), bn(`${p}.bn`), eps));
  const dw = (n: string) => transposeDepthwise(data(n), shape(n));
  const pw = (n: string, b: string) => checked(b, foldPointwise(data(n), shape(n), bn(b), eps));

  return {
    spec,
    stem: [convBn('stem.0'), convBn('stem.1')],
    blocks: spec.widths.map((_, i) => {
      const p = `blocks.${i}`;
      return {
        shortcut: convBn(`${p}.shortcut`),
        dw1: dw(`${p}.sep1.depthwise.weight`),
        pw1: pw(`${p}.sep1.pointwise.weight`, `${p}.bn1`),
        dw2: dw(`${p}.sep2.depthwise.weight`),
        pw2: pw(`${p}.sep2.pointwise.weight`, `${p}.bn2`),
      };
    }),
    head: foldConv(data('head.weight'), shape('head.weight'), null, eps, data('head.bias')),
  };
}

/** Parse a .safetensors file and validate + fold it against `spec`. */
export function loadMiniXception(spec: ModelSpec, bytes: ArrayBuffer, source = 'weights'): FoldedMiniXception {
  return foldMiniXception(spec, parseSafetensors(bytes, source), source);
}

export type { FetchFn };

/**
 * Fetch `<baseUrl>/<name>.json` and `.safetensors`, check the file against the JSON's size and
 * SHA-256 (integrity.ts), validate both, return the folded weights.
 */
export async function fetchModel(
  baseUrl: string, name: string, fetchFn: FetchFn = (u) => fetch(u),
): Promise<{ spec: ModelSpec; weights: FoldedMiniXception }> {
  const { spec, bytes, stUrl } = await fetchWeightFiles(baseUrl, name, fetchFn, parseModelSpec);
  return { spec, weights: loadMiniXception(spec, bytes, stUrl) };
}
