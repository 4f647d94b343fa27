// weights/yunet.{json,safetensors} (written by tools/convert-yunet.mjs) → the YuNet layer list with
// weights in the kernels' layouts. Everything is checked against the JSON: op kinds, channel counts,
// that each layer reads an activation made earlier, tensor shapes and finiteness. A wrong or
// truncated file is an error naming the layer/tensor, never a silently wrong detector.
import type { ConvW, DwW, PwW } from '../../kernels/types.js';
import { foldConv, transposeDepthwise } from '../fold-bn.js';
import { fetchWeightFiles } from '../fetch-weights.js';
import { type SafeTensor, parseSafetensors } from '../safetensors.js';
import { HEAD_CHANNELS } from '../../vision/yunet-decode.js';

type LayerBase = { name: string; input: string };
export type YunetLayerSpec =
  | LayerBase & { op: 'conv'; output: string; cin: number; cout: number; relu: boolean; k: number; stride: number; pad: number }
  | LayerBase & { op: 'pointwise' | 'depthwise'; output: string; cin: number; cout: number; relu: boolean }
  | LayerBase & { op: 'maxpool2'; output: string }
  | LayerBase & { op: 'upsample_add'; skip: string; output: string }
  | LayerBase & { op: 'head'; stride: number; cin: number; cout: number };

export interface YunetSpec {
  name: string;
  arch: 'yunet';
  input: { name: string; channels: 3; order: 'bgr'; divisor: number };
  strides: number[];
  /** Leading head channels that go through a sigmoid (cls, obj). */
  sigmoid: number;
  attribution: Record<string, string>;
  layers: YunetLayerSpec[];
}

/** A layer with its weights in kernel layouts. */
export type YunetLayer =
  | LayerBase & { op: 'conv'; output: string; w: ConvW; stride: number; pad: number; relu: boolean }
  | LayerBase & { op: 'pointwise'; output: string; w: PwW; relu: boolean }
  | LayerBase & { op: 'depthwise'; output: string; w: DwW; b: Float32Array; relu: boolean }
  | LayerBase & { op: 'maxpool2'; output: string }
  | LayerBase & { op: 'upsample_add'; skip: string; output: string }
  | LayerBase & { op: 'head'; stride: number; pw: PwW; dw: DwW; b: Float32Array };

export interface YunetModel {
  spec: YunetSpec;
  layers: YunetLayer[];
  /** Channels of the input tensor the layers expect: B, G, R. */
  inputChannels: 3;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Validates weights/yunet.json. `source` prefixes errors. */
export function parseYunetSpec(json: unknown, source = 'yunet.json'): YunetSpec {
  const fail = (msg: string): never => { throw new Error(`${source}: ${msg}`); };
  if (!isRecord(json)) return fail('not a JSON object');
  if (json.arch !== 'yunet') fail(`"arch" is ${JSON.stringify(json.arch)}, expected "yunet"`);
  const input = json.input;
  if (!isRecord(input) || typeof input.name !== 'string' || input.channels !== 3 || input.order !== 'bgr' || !isPosInt(input.divisor)) {
    fail('"input" must be { name, channels: 3, order: "bgr", divisor }');
  }
  const inp = input as { name: string; divisor: number };
  const strides = json.strides;
  if (!Array.isArray(strides) || !strides.length || !strides.every(isPosInt) || strides.some((s, i) => i && s <= strides[i - 1]) || inp.divisor % strides[strides.length - 1] !== 0) {
    fail(`"strides" must be increasing positive integers dividing input.divisor, got ${JSON.stringify(strides)}`);
  }
  const head = json.head;
  if (!isRecord(head) || !isPosInt(head.sigmoid)) fail('"head.sigmoid" must be a positive integer');
  if (!Array.isArray(json.layers) || !json.layers.length) return fail('"layers" must be a non-empty array');
  const known = new Set([inp.name]);
  const heads: number[] = [];
  const layers = json.layers.map((l: unknown, i: number): YunetLayerSpec => {
    const at = `layer ${i}`;
    if (!isRecord(l) || typeof l.name !== 'string' || typeof l.input !== 'string') return fail(`${at}: needs "name" and "input"`);
    const where = `layer ${i} "${l.name}"`;
    const reads = [l.input, ...(l.op === 'upsample_add' ? [l.skip] : [])];
    for (const r of reads) if (typeof r !== 'string' || !known.has(r)) fail(`${where} reads "${String(r)}", which no earlier layer makes`);
    const chans = () => { if (!isPosInt(l.cin) || !isPosInt(l.cout) || typeof l.relu !== 'boolean') fail(`${where}: needs cin, cout, relu`); };
    switch (l.op) {
      case 'conv':
        chans();
        if (!isPosInt(l.k) || !isPosInt(l.stride) || typeof l.pad !== 'number' || l.pad < 0) fail(`${where}: needs k, stride, pad`);
        break;
      case 'pointwise':
        chans();
        break;
      case 'depthwise':
        chans();
        if (l.cin !== l.cout) fail(`${where}: depthwise cin ${String(l.cin)} != cout ${String(l.cout)}`);
        break;
      case 'maxpool2':
        break;
      case 'upsample_add':
        break;
      case 'head':
        if (!isPosInt(l.stride) || !isPosInt(l.cin) || l.cout !== HEAD_CHANNELS) fail(`${where}: needs stride, cin and cout = ${HEAD_CHANNELS}`);
        heads.push(l.stride as number);
        return l as unknown as YunetLayerSpec;
      default:
        fail(`${where}: unknown op ${JSON.stringify(l.op)}`);
    }
    if (typeof l.output !== 'string' || known.has(l.output)) fail(`${where}: "output" must be a new activation name`);
    known.add(l.output as string);
    return l as unknown as YunetLayerSpec;
  });
  if (heads.join() !== (strides as number[]).join()) fail(`head layers have strides [${heads}], "strides" says [${String(strides)}]`);
  return {
    name: typeof json.name === 'string' ? json.name : 'yunet',
    arch: 'yunet',
    input: { name: inp.name, channels: 3, order: 'bgr', divisor: inp.divisor },
    strides: strides as number[],
    sigmoid: (head as { sigmoid: number }).sigmoid,
    attribution: isRecord(json.attribution) ? Object.fromEntries(Object.entries(json.attribution).map(([k, v]) => [k, String(v)])) : {},
    layers,
  };
}

/** Every tensor the spec implies, with its ONNX (OIHW) shape. */
export function expectedYunetTensors(spec: YunetSpec): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const l of spec.layers) {
    if (l.op === 'conv') m.set(`${l.name}.weight`, [l.cout, l.cin, l.k, l.k]);
    else if (l.op === 'pointwise') m.set(`${l.name}.weight`, [l.cout, l.cin, 1, 1]);
    else if (l.op === 'depthwise') m.set(`${l.name}.weight`, [l.cout, 1, 3, 3]);
    else if (l.op === 'head') {
      m.set(`${l.name}.pw.weight`, [l.cout, l.cin, 1, 1]);
      m.set(`${l.name}.pw.bias`, [l.cout]);
      m.set(`${l.name}.dw.weight`, [l.cout, 1, 3, 3]);
      m.set(`${l.name}.dw.bias`, [l.cout]);
      continue;
    } else continue;
    m.set(`${l.name}.bias`, [l.cout]);
  }
  return m;
}

/** Checks `tensors` against the spec and returns the runnable model. */
export function buildYunet(spec: YunetSpec, tensors: Map<string, SafeTensor>, source = 'yunet.safetensors'): YunetModel {
  const expected = expectedYunetTensors(spec);
  const problems: string[] = [];
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) problems.push(`missing tensor "${name}"`);
    else if (t.shape.join() !== shape.join()) problems.push(`tensor "${name}" has shape [${t.shape}], expected [${shape}]`);
    else if (!t.data.every(Number.isFinite)) problems.push(`tensor "${name}" has non-finite values`);
  }
  for (const name of tensors.keys()) if (!expected.has(name)) problems.push(`unexpected tensor "${name}"`);
  if (problems.length) throw new Error(`${source}: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`);
  const data = (n: string) => tensors.get(n)!.data;
  const shape4 = (n: string) => tensors.get(n)!.shape as [number, number, number, number];
  const conv = (n: string): ConvW => foldConv(data(`${n}.weight`), shape4(`${n}.weight`), null, 0, data(`${n}.bias`));
  const layers = spec.layers.map((l): YunetLayer => {
    switch (l.op) {
      case 'conv':
        return { op: 'conv', name: l.name, input: l.input, output: l.output, stride: l.stride, pad: l.pad, relu: l.relu, w: conv(l.name) };
      case 'pointwise': {
        const { w, b, cin, cout } = conv(l.name);
        return { op: 'pointwise', name: l.name, input: l.input, output: l.output, relu: l.relu, w: { w, b, cin, cout } };
      }
      case 'depthwise':
        return { op: 'depthwise', name: l.name, input: l.input, output: l.output, relu: l.relu, w: transposeDepthwise(data(`${l.name}.weight`), shape4(`${l.name}.weight`)), b: data(`${l.name}.bias`) };
      case 'head': {
        const pw = foldConv(data(`${l.name}.pw.weight`), shape4(`${l.name}.pw.weight`), null, 0, data(`${l.name}.pw.bias`));
        return {
          op: 'head', name: l.name, input: l.input, stride: l.stride,
          pw: { w: pw.w, b: pw.b, cin: pw.cin, cout: pw.cout },
          dw: transposeDepthwise(data(`${l.name}.dw.weight`), shape4(`${l.name}.dw.weight`)),
          b: data(`${l.name}.dw.bias`),
        };
      }
      default:
        return { ...l };
    }
  });
  return { spec, layers, inputChannels: 3 };
}

export function loadYunet(spec: YunetSpec, bytes: ArrayBuffer, source = 'yunet.safetensors'): YunetModel {
  return buildYunet(spec, parseSafetensors(bytes, source), source);
}

/** Fetches `<baseUrl>/yunet.json` and `.safetensors`, checks the file's SHA-256 (integrity.ts) and validates both. */
export async function fetchYunet(baseUrl: string, fetchFn: (url: string) => Promise<Response> = (u) => fetch(u)): Promise<YunetModel> {
  const { spec, bytes, stUrl } = await fetchWeightFiles(baseUrl, 'yunet', fetchFn, parseYunetSpec);
  return loadYunet(spec, bytes, stUrl);
}

/** [H, W, C] of every activation for a padH x padW input (multiples of the divisor). */
export function yunetShapes(model: YunetModel, padH: number, padW: number): Map<string, [number, number, number]> {
  const d = model.spec.input.divisor;
  if (padH % d || padW % d || padH < d || padW < d) throw new Error(`yunet: input ${padW}x${padH} is not a positive multiple of ${d}`);
  const m = new Map<string, [number, number, number]>([[model.spec.input.name, [padH, padW, model.inputChannels]]]);
  for (const l of model.layers) {
    const [h, w, c] = m.get(l.input)!;
    switch (l.op) {
      case 'conv': {
        const o = (x: number) => Math.floor((x + 2 * l.pad - l.w.kh) / l.stride) + 1;
        if (c !== l.w.cin) throw new Error(`yunet ${l.name}: input has ${c} channels, weights ${l.w.cin}`);
        m.set(l.output, [o(h), o(w), l.w.cout]);
        break;
      }
      case 'pointwise':
        if (c !== l.w.cin) throw new Error(`yunet ${l.name}: input has ${c} channels, weights ${l.w.cin}`);
        m.set(l.output, [h, w, l.w.cout]);
        break;
      case 'depthwise':
        if (c !== l.w.c) throw new Error(`yunet ${l.name}: input has ${c} channels, weights ${l.w.c}`);
        m.set(l.output, [h, w, c]);
        break;
      case 'maxpool2':
        m.set(l.output, [Math.floor(h / 2), Math.floor(w / 2), c]);
        break;
      case 'upsample_add': {
        const s = m.get(l.skip)!;
        if (s[0] !== 2 * h || s[1] !== 2 * w || s[2] !== c) throw new Error(`yunet ${l.name}: [${h},${w},${c}] upsampled does not match skip [${s}]`);
        m.set(l.output, [s[0], s[1], c]);
        break;
      }
      case 'head':
        if (h * l.stride !== padH || w * l.stride !== padW) throw new Error(`yunet ${l.name}: ${w}x${h} map is not input/${l.stride}`);
        if (c !== l.pw.cin) throw new Error(`yunet ${l.name}: input has ${c} channels, weights ${l.pw.cin}`);
        break;
    }
  }
  return m;
}
