// tools/convert-yunet.mjs: a Conv → BatchNormalization → Relu chain is folded and fused (the YuNet
// file has its BN folded already, so this path is checked on a small graph built here), and an op
// the runtime cannot run is an error naming it. That the committed weights/yunet.* are what the
// converter makes of the ONNX file today needs the data folder: test/data/convert-yunet.test.mjs.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { convertGraph } from '../../tools/convert-yunet.mjs';

const { onnx } = createRequire(import.meta.url)('onnx-proto');

const f32 = (name, dims, values) => onnx.TensorProto.create({ name, dims, dataType: 1, rawData: new Uint8Array(Float32Array.from(values).buffer) });
const ints = (name, v) => onnx.AttributeProto.create({ name, type: 7, ints: v });
const node = (opType, input, output, attribute = []) => onnx.NodeProto.create({ opType, input, output, attribute });
const dims = (...d) => onnx.TypeProto.create({ tensorType: { elemType: 1, shape: { dim: d.map((v) => ({ dimValue: v })) } } });

/** input (1,1,H,W) → Conv 3x3 (2 out) → BN → Relu → a 1-channel head per part, as YuNet's. */
function tinyModel(extra = []) {
  const headNodes = [];
  const inits = [
    f32('cw', [2, 1, 3, 3], [...Array(18).keys()].map((i) => (i - 9) / 10)),
    f32('cb', [2], [0.5, -0.5]),
    f32('g', [2], [2, 0.5]), f32('beta', [2], [0.1, -0.2]), f32('mean', [2], [1, -1]), f32('var', [2], [3, 0.25]),
    onnx.TensorProto.create({ name: 'shape', dims: [3], dataType: 7, int64Data: [1, -1, 1] }),
  ];
  for (const [part, k] of [['cls', 1], ['obj', 1], ['bbox', 4], ['kps', 10]]) {
    inits.push(f32(`${part}1w`, [k, 2, 1, 1], Array(2 * k).fill(0.5)), f32(`${part}1b`, [k], Array(k).fill(0)));
    inits.push(f32(`${part}2w`, [k, 1, 3, 3], Array(9 * k).fill(1)), f32(`${part}2b`, [k], Array(k).fill(0)));
    headNodes.push(
      node('Conv', ['feat', `${part}1w`, `${part}1b`], [`${part}1`], [ints('kernel_shape', [1, 1])]),
      node('Conv', [`${part}1`, `${part}2w`, `${part}2b`], [`${part}2`], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), onnx.AttributeProto.create({ name: 'group', type: 2, i: k })]),
      node('Transpose', [`${part}2`], [`${part}t`], [ints('perm', [0, 2, 3, 1])]),
      node('Reshape', [`${part}t`, 'shape'], [part === 'cls' || part === 'obj' ? `${part}r` : `${part}_32`]),
      ...(part === 'cls' || part === 'obj' ? [node('Sigmoid', [`${part}r`], [`${part}_32`])] : []),
    );
  }
  return onnx.ModelProto.create({
    graph: {
      node: [
        node('Conv', ['input', 'cw', 'cb'], ['c'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
        node('BatchNormalization', ['c', 'g', 'beta', 'mean', 'var'], ['bn'], [onnx.AttributeProto.create({ name: 'epsilon', type: 1, f: 1e-5 })]),
        node('Relu', ['bn'], ['feat']),
        ...extra,
        ...headNodes,
      ],
      initializer: inits,
      input: [onnx.ValueInfoProto.create({ name: 'input', type: dims(1, 1, 32, 32) })],
      output: ['cls', 'obj', 'bbox', 'kps'].map((p) => onnx.ValueInfoProto.create({ name: `${p}_32` })),
    },
  });
}

test('Conv → BN → Relu: BN folded (w·g/√(v+ε), (b−μ)·g/√(v+ε)+β), ReLU fused; heads packed', () => {
  const { layers, tensors, notes } = convertGraph(tinyModel());
  assert.deepEqual(notes, { bnFolded: 1, reluFused: 1 });
  assert.deepEqual(layers.map((l) => l.op), ['conv', 'head']);
  assert.equal(layers[0].relu, true);
  assert.equal(layers[0].output, 'feat');
  const w = tensors.get('conv.feat.weight').data, b = tensors.get('conv.feat.bias').data;
  const s = [2 / Math.sqrt(3 + 1e-5), 0.5 / Math.sqrt(0.25 + 1e-5)];
  for (let i = 0; i < 18; i++) assert.ok(Math.abs(w[i] - ((i - 9) / 10) * s[Math.floor(i / 9)]) < 1e-6, `w[${i}]`);
  assert.ok(Math.abs(b[0] - ((0.5 - 1) * s[0] + 0.1)) < 1e-6);
  assert.ok(Math.abs(b[1] - ((-0.5 + 1) * s[1] - 0.2)) < 1e-6);
  assert.deepEqual(tensors.get('head.stride32.pw.weight').dims, [16, 2, 1, 1]);
  assert.deepEqual(tensors.get('head.stride32.dw.weight').dims, [16, 1, 3, 3]);
});

test('an op the runtime cannot run is an error naming it', () => {
  assert.throws(() => convertGraph(tinyModel([node('LeakyRelu', ['feat'], ['unused'])])), /LeakyRelu → unused\) is not supported/);
});
