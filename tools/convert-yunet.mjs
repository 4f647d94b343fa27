#!/usr/bin/env node
// Converts the YuNet face detector (EMOLENS_DATA/models/face_detection_yunet_2023mar.onnx) into the
// files the app loads: weights/yunet.safetensors (F32, ONNX OIHW shapes) and weights/yunet.json
// (the layer list src/nn/yunet/yunet-weights.ts validates and src/nn/yunet/yunet*.ts run). The app never parses
// ONNX; this is the only place that does (with onnx-proto's generated protobufjs code).
//
//   npm run convert:yunet [-- --onnx PATH] [--out weights] [--list]
//
// What it does with the graph (opset 11, exported from PyTorch 1.7):
// - Conv → 'conv' (dense KxK), 'pointwise' (1x1, group 1) or 'depthwise' (group = C, 3x3); a Relu
//   that is the conv's only consumer is fused; a BatchNormalization after a conv is folded into it
//   (the exporter already folded every BN of this file, so the count printed is 0).
// - MaxPool 2x2/2 → 'maxpool2'; Resize(nearest, scales [1,1,2,2], asymmetric, floor) feeding an Add
//   → 'upsample_add' (out = skip + up2(x)).
// - Per stride s, the four head branches (cls, obj, bbox, kps: 1x1 conv 64→k, then a 3x3 conv with
//   group = k, then Transpose/Reshape and, for cls/obj, Sigmoid) are packed into one 'head' layer:
//   a pointwise 64→16 and a depthwise 3x3 over 16 channels [cls, obj, bbox×4, kps×10], with a
//   sigmoid on the first two. The same arithmetic as the four branches, in two dispatches.
// Anything else in the graph is an error: the runtime would not know how to run it.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataFileOrExit } from './data-dir.mjs';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const ATTRIBUTION = {
  model: 'YuNet face detector, 2023mar release (face_detection_yunet_2023mar.onnx)',
  authors: 'Wei Wu, Hanyang Peng, Shiqi Yu',
  paper: 'YuNet: A Tiny Millisecond-level Face Detector, Machine Intelligence Research 20, 2023',
  origin: 'libfacedetection.train (ShiqiYu), distributed by the OpenCV model zoo',
  license: 'Apache-2.0 (the OpenCV model zoo distributes the same file under MIT)',
  converted: 'tools/convert-yunet.mjs: BN already folded by the exporter, head branches packed per stride, weights unchanged',
};

/** Head channel ranges [begin, end) in a packed head's 16 outputs, in this order. */
export const HEAD_PARTS = [['cls', 1], ['obj', 1], ['bbox', 4], ['kps', 10]];

function attr(node, name, dflt) {
  const a = node.attribute.find((x) => x.name === name);
  if (!a) return dflt;
  if (a.ints?.length) return a.ints.map(Number);
  if (a.type === 2) return Number(a.i);
  if (a.type === 1) return a.f;
  if (a.type === 3) return Buffer.from(a.s).toString();
  return dflt;
}

/** An initializer as { dims, data }: float32 from raw_data or float_data, int64 as numbers. */
function tensorData(t) {
  const dims = t.dims.map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  if (t.dataType === 1) {
    const data = t.rawData?.length ? new Float32Array(new Uint8Array(t.rawData).slice().buffer) : Float32Array.from(t.floatData);
    if (data.length !== n) throw new Error(`initializer ${t.name}: ${data.length} floats for dims [${dims}]`);
    return { dims, data };
  }
  if (t.dataType === 7) {
    const data = t.rawData?.length ? Array.from(new BigInt64Array(new Uint8Array(t.rawData).slice().buffer), Number) : t.int64Data.map(Number);
    return { dims, data };
  }
  throw new Error(`initializer ${t.name}: data type ${t.dataType} is not supported`);
}

/** { cls: [0, 1], obj: [1, 2], bbox: [2, 6], kps: [6, 16] }: [begin, end) of each part. */
export function headChannels() {
  const out = {};
  let b = 0;
  for (const [p, k] of HEAD_PARTS) {
    out[p] = [b, b + k];
    b += k;
  }
  return out;
}

/** Folds eval-mode BN into conv weights (OIHW) and bias, in f64, rounding once to f32. */
export function foldBn(w, dims, b, bn) {
  const [cout] = dims;
  const per = w.length / cout;
  const ow = new Float32Array(w.length), ob = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    const s = bn.scale[o] / Math.sqrt(bn.var[o] + bn.eps);
    for (let i = 0; i < per; i++) ow[o * per + i] = w[o * per + i] * s;
    ob[o] = ((b ? b[o] : 0) - bn.mean[o]) * s + bn.bias[o];
  }
  return { w: ow, b: ob };
}

/**
 * Walks a decoded ONNX ModelProto and returns { layers, tensors, notes }: the runtime's layer list
 * and the weights, name → { dims, data }.
 */
export function convertGraph(model) {
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const producer = new Map();
  const consumers = new Map();
  g.node.forEach((n, i) => {
    for (const o of n.output) producer.set(o, i);
    for (const x of n.input) {
      if (!consumers.has(x)) consumers.set(x, []);
      consumers.get(x).push(i);
    }
  });
  const graphInputs = g.input.filter((i) => !inits.has(i.name));
  if (graphInputs.length !== 1) throw new Error(`expected one graph input, found ${graphInputs.length}`);
  const inputName = graphInputs[0].name;
  const outputs = new Set(g.output.map((o) => o.name));
  const used = new Set();
  const only = (name) => {
    const c = consumers.get(name) ?? [];
    return c.length === 1 && !outputs.has(name) ? g.node[c[0]] : null;
  };
  const initOf = (name, what) => {
    const t = inits.get(name);
    if (!t) throw new Error(`${what}: "${name}" is not an initializer`);
    return tensorData(t);
  };

  const tensors = new Map();
  const layers = [];
  const notes = { bnFolded: 0, reluFused: 0 };
  const shape = new Map([[inputName, { c: Number(graphInputs[0].type.tensorType.shape.dim[1].dimValue) }]]);

  /** A Conv node (+ BN, + Relu) as { w, b, dims, group, k, stride, pad, relu, out, nodes }. */
  const readConv = (i) => {
    const n = g.node[i];
    const { dims, data } = initOf(n.input[1], `Conv ${n.output[0]} weight`);
    let b = n.input[2] ? initOf(n.input[2], `Conv ${n.output[0]} bias`).data : null;
    let w = data;
    const k = attr(n, 'kernel_shape', dims.slice(2));
    const strides = attr(n, 'strides', [1, 1]);
    const pads = attr(n, 'pads', [0, 0, 0, 0]);
    const dil = attr(n, 'dilations', [1, 1]);
    const group = attr(n, 'group', 1);
    if (k[0] !== k[1] || strides[0] !== strides[1] || new Set(pads).size !== 1 || dil.some((d) => d !== 1)) {
      throw new Error(`Conv ${n.output[0]}: only square kernels, equal strides, symmetric pads and no dilation are supported`);
    }
    const nodes = [i];
    let out = n.output[0];
    let next = only(out);
    if (next?.opType === 'BatchNormalization') {
      const bi = g.node.indexOf(next);
      const bn = {
        scale: initOf(next.input[1], 'BN scale').data, bias: initOf(next.input[2], 'BN bias').data,
        mean: initOf(next.input[3], 'BN mean').data, var: initOf(next.input[4], 'BN var').data, eps: attr(next, 'epsilon', 1e-5),
      };
      ({ w, b } = foldBn(w, dims, b, bn));
      notes.bnFolded++;
      nodes.push(bi);
      out = next.output[0];
      next = only(out);
    }
    let relu = false;
    if (next?.opType === 'Relu') {
      relu = true;
      notes.reluFused++;
      nodes.push(g.node.indexOf(next));
      out = next.output[0];
    }
    return { n, w, b: b ?? new Float32Array(dims[0]), dims, group, k: k[0], stride: strides[0], pad: pads[0], relu, out, nodes };
  };

  // Head branches first: trace each graph output back to its feature map.
  const heads = new Map();
  for (const o of g.output) {
    const m = /^(cls|obj|bbox|kps)_(\d+)$/.exec(o.name);
    if (!m) throw new Error(`unexpected graph output "${o.name}"`);
    const [, part, strideText] = m;
    let i = producer.get(o.name);
    const chain = [];
    let sigmoid = false;
    if (g.node[i].opType === 'Sigmoid') { sigmoid = true; chain.push(i); i = producer.get(g.node[i].input[0]); }
    if (g.node[i].opType !== 'Reshape') throw new Error(`${o.name}: expected Reshape, found ${g.node[i].opType}`);
    chain.push(i);
    i = producer.get(g.node[i].input[0]);
    if (g.node[i].opType !== 'Transpose' || attr(g.node[i], 'perm', []).join() !== '0,2,3,1') throw new Error(`${o.name}: expected Transpose to NHWC`);
    chain.push(i);
    const c2 = producer.get(g.node[i].input[0]);
    const c1 = producer.get(g.node[c2].input[0]);
    const conv2 = readConv(c2), conv1 = readConv(c1);
    const kch = Object.fromEntries(HEAD_PARTS)[part];
    if (conv1.k !== 1 || conv1.group !== 1 || conv1.dims[0] !== kch || conv1.relu) throw new Error(`${o.name}: first head conv must be 1x1 → ${kch}, no ReLU`);
    if (conv2.k !== 3 || conv2.pad !== 1 || conv2.stride !== 1 || conv2.group !== kch || conv2.dims[1] !== 1 || conv2.relu) {
      throw new Error(`${o.name}: second head conv must be a 3x3 depthwise over ${kch} channels`);
    }
    if (sigmoid !== (part === 'cls' || part === 'obj')) throw new Error(`${o.name}: sigmoid only on cls and obj`);
    const stride = Number(strideText);
    if (!heads.has(stride)) heads.set(stride, { input: conv1.n.input[0], parts: {} });
    const h = heads.get(stride);
    if (h.input !== conv1.n.input[0]) throw new Error(`${o.name}: head branches of stride ${stride} read different features`);
    h.parts[part] = { conv1, conv2 };
    for (const x of [...chain, ...conv1.nodes, ...conv2.nodes]) used.add(x);
  }

  // Backbone and neck, in graph order.
  const names = [];
  g.node.forEach((n, i) => {
    if (used.has(i)) return;
    if (n.opType === 'Conv') {
      const c = readConv(i);
      for (const x of c.nodes) used.add(x);
      const [cout, cinPerGroup] = c.dims;
      const cin = cinPerGroup * c.group;
      let op;
      if (c.group === 1 && c.k === 1) {
        if (c.stride !== 1 || c.pad !== 0) throw new Error(`Conv ${n.output[0]}: 1x1 conv with stride/pad is not supported`);
        op = 'pointwise';
      } else if (c.group === cin && c.group === cout && cinPerGroup === 1) {
        if (c.k !== 3 || c.stride !== 1 || c.pad !== 1) throw new Error(`Conv ${n.output[0]}: only 3x3/1 'same' depthwise is supported`);
        op = 'depthwise';
      } else if (c.group === 1) {
        op = 'conv';
      } else {
        throw new Error(`Conv ${n.output[0]}: grouped conv (group ${c.group}) is not supported`);
      }
      const wName = n.input[1];
      const layer = { op, name: wName.endsWith('.weight') ? wName.slice(0, -'.weight'.length) : null, input: n.input[0], output: c.out, cin, cout, relu: c.relu };
      if (op === 'conv') Object.assign(layer, { k: c.k, stride: c.stride, pad: c.pad });
      layers.push(layer);
      names.push({ layer, w: c.w, b: c.b, dims: c.dims });
      shape.set(c.out, { c: cout });
      return;
    }
    if (n.opType === 'MaxPool') {
      const k = attr(n, 'kernel_shape', []), s = attr(n, 'strides', [1, 1]), p = attr(n, 'pads', [0, 0, 0, 0]);
      if (k.join() !== '2,2' || s.join() !== '2,2' || p.some((v) => v !== 0) || attr(n, 'ceil_mode', 0) !== 0) {
        throw new Error(`MaxPool ${n.output[0]}: only 2x2/2, no padding, floor mode is supported`);
      }
      used.add(i);
      layers.push({ op: 'maxpool2', name: `pool.${n.output[0]}`, input: n.input[0], output: n.output[0] });
      shape.set(n.output[0], shape.get(n.input[0]));
      return;
    }
    if (n.opType === 'Resize') {
      const scales = n.input[2] ? initOf(n.input[2], `Resize ${n.output[0]} scales`).data : [];
      if (attr(n, 'mode') !== 'nearest' || attr(n, 'coordinate_transformation_mode') !== 'asymmetric' || attr(n, 'nearest_mode') !== 'floor' || Array.from(scales).join() !== '1,1,2,2') {
        throw new Error(`Resize ${n.output[0]}: only nearest x2 (asymmetric, floor) is supported`);
      }
      const add = only(n.output[0]);
      if (add?.opType !== 'Add') throw new Error(`Resize ${n.output[0]}: must feed an Add`);
      const skip = add.input[0] === n.output[0] ? add.input[1] : add.input[0];
      used.add(i);
      used.add(g.node.indexOf(add));
      layers.push({ op: 'upsample_add', name: `upadd.${add.output[0]}`, input: n.input[0], skip, output: add.output[0] });
      shape.set(add.output[0], shape.get(skip));
      return;
    }
    throw new Error(`node ${i} (${n.opType} → ${n.output.join(', ')}) is not supported by the runtime`);
  });

  // Names for the anonymous (BN-folded) convs: a depthwise after pointwise 'P.conv1' is 'P.conv2';
  // a conv before pointwise 'M.conv2.conv1' is 'M.conv1'.
  names.forEach(({ layer }, j) => {
    if (layer.name) return;
    const prev = names[j - 1]?.layer.name, next = names[j + 1]?.layer.name;
    if (layer.op === 'depthwise' && prev?.endsWith('.conv1')) layer.name = `${prev.slice(0, -'.conv1'.length)}.conv2`;
    else if (next && /\.conv2\.conv1$/.test(next)) layer.name = next.replace(/\.conv2\.conv1$/, '.conv1');
    else layer.name = `conv.${layer.output}`;
  });
  for (const { layer, w, b, dims } of names) {
    tensors.set(`${layer.name}.weight`, { dims, data: w });
    tensors.set(`${layer.name}.bias`, { dims: [dims[0]], data: b });
  }

  // Packed heads, by stride.
  const strides = [...heads.keys()].sort((a, b) => a - b);
  for (const s of strides) {
    const h = heads.get(s);
    const missing = HEAD_PARTS.filter(([p]) => !h.parts[p]).map(([p]) => p);
    if (missing.length) throw new Error(`stride ${s}: head branches missing: ${missing.join(', ')}`);
    const cin = h.parts.cls.conv1.dims[1];
    const total = HEAD_PARTS.reduce((a, [, k]) => a + k, 0);
    const pw = new Float32Array(total * cin), pb = new Float32Array(total);
    const dw = new Float32Array(total * 9), db = new Float32Array(total);
    let o = 0;
    for (const [p, k] of HEAD_PARTS) {
      const { conv1, conv2 } = h.parts[p];
      if (conv1.dims[1] !== cin) throw new Error(`stride ${s}: ${p} head reads ${conv1.dims[1]} channels, cls reads ${cin}`);
      pw.set(conv1.w, o * cin);
      pb.set(conv1.b, o);
      dw.set(conv2.w, o * 9);
      db.set(conv2.b, o);
      o += k;
    }
    const name = `head.stride${s}`;
    tensors.set(`${name}.pw.weight`, { dims: [total, cin, 1, 1], data: pw });
    tensors.set(`${name}.pw.bias`, { dims: [total], data: pb });
    tensors.set(`${name}.dw.weight`, { dims: [total, 1, 3, 3], data: dw });
    tensors.set(`${name}.dw.bias`, { dims: [total], data: db });
    layers.push({ op: 'head', name, input: h.input, stride: s, cin, cout: total });
  }
  const unused = g.node.map((n, i) => (used.has(i) ? null : `${n.opType} → ${n.output[0]}`)).filter(Boolean);
  if (unused.length) throw new Error(`nodes left unconverted: ${unused.join('; ')}`);
  return { layers, tensors, strides, inputName, inputChannels: shape.get(inputName).c, notes };
}

/** safetensors bytes (F32 only), tensors in insertion order, with string metadata. */
export function safetensorsBytes(tensors, metadata) {
  const header = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data block to 8 bytes
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let p = 8 + head.length;
  for (const t of tensors.values()) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, p);
    p += t.data.byteLength;
  }
  return out;
}

/** Converts `onnxPath`; returns { spec, bytes } without writing anything. */
export function convertYunet(onnxPath) {
  const { onnx } = require('onnx-proto');
  const raw = readFileSync(onnxPath);
  const model = onnx.ModelProto.decode(raw);
  const { layers, tensors, strides, inputName, inputChannels, notes } = convertGraph(model);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const spec = {
    name: 'yunet',
    arch: 'yunet',
    source: {
      file: basename(onnxPath),
      sha256,
      opset: model.opsetImport.map((o) => Number(o.version)).join(','),
      producer: `${model.producerName} ${model.producerVersion}`.trim(),
    },
    attribution: ATTRIBUTION,
    input: { name: inputName, channels: inputChannels, order: 'bgr', range: [0, 255], divisor: 32 },
    strides,
    head: { channels: headChannels(), sigmoid: 2 },
    layers,
  };
  const metadata = { format: 'pt', license: ATTRIBUTION.license, source: `${spec.source.file} sha256 ${sha256}`, authors: ATTRIBUTION.authors, origin: ATTRIBUTION.origin };
  const bytes = safetensorsBytes(tensors, metadata);
  // The app checks the file against this before using it (src/nn/integrity.ts).
  spec.weights = { file: 'yunet.safetensors', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  return { spec, bytes, tensors, notes };
}

/** The spec as JSON text: two-space indents, small arrays and each layer on one line. */
export function specText(spec) {
  const text = JSON.stringify({ ...spec, layers: [] }, (k, v) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? JSON.stringify(v) : v), 2)
    .replace(/"(\[[^"]*\])"/g, '$1');
  const layers = spec.layers.map((l) => `    ${JSON.stringify(l)}`).join(',\n');
  return `${text.replace('"layers": []', `"layers": [\n${layers}\n  ]`)}\n`;
}

function main() {
  const { values } = parseArgs({
    options: {
      onnx: { type: 'string' }, // default: EMOLENS_DATA/models/face_detection_yunet_2023mar.onnx
      out: { type: 'string', default: join(root, 'weights') },
      list: { type: 'boolean', default: false },
    },
  });
  const { spec, bytes, tensors, notes } = convertYunet(values.onnx ?? dataFileOrExit('models', 'face_detection_yunet_2023mar.onnx'));
  if (values.list) {
    for (const l of spec.layers) console.log(`${l.op.padEnd(12)} ${l.name.padEnd(34)} ${String(l.input).padStart(5)}${l.skip ? `+${l.skip}` : ''} → ${l.output ?? `stride ${l.stride}`} ${l.cin ? `${l.cin}→${l.cout}` : ''}${l.k ? ` k${l.k}/s${l.stride} p${l.pad}` : ''}${l.relu ? ' relu' : ''}`);
  }
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'yunet.safetensors'), bytes);
  writeFileSync(join(values.out, 'yunet.json'), specText(spec));
  const params = [...tensors.values()].reduce((a, t) => a + t.data.length, 0);
  console.error(`yunet: ${spec.layers.length} layers, ${tensors.size} tensors, ${params} parameters, ${bytes.length} bytes; ` +
    `${notes.bnFolded} BN folded here, ${notes.reluFused} ReLU fused → ${values.out}/yunet.{safetensors,json}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
