// TensorFlow.js (tfjs-core ops, backends webgpu, wasm and cpu) running the same mini-Xception built
// from our BN-folded weights, NHWC. The folded layouts are TF's own: conv [KH,KW,Cin,Cout] = HWIO,
// depthwise [KH,KW,C] = [KH,KW,C,1], pointwise [Cin,Cout] = [1,1,Cin,Cout].
// PyTorch's max_pool2d(3, 2, padding 1) pads both sides with -inf; TF's 'same' pads only bottom/right
// on even maps, so the pool uses explicit padding 1 with floor rounding (tfjs skips padded taps).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { FoldedMiniXception } from '../nn/mini-xception/folded.js';
import type { BenchInput, ModelRunner } from './runner.js';

type Backend = 'webgpu' | 'wasm' | 'cpu';

let wasmConfigured = false;

export function tfjsVersion(): string {
  return tf.version_core;
}

interface Weights {
  stem: { w: tf.Tensor4D; b: tf.Tensor1D }[];
  blocks: { sw: tf.Tensor4D; sb: tf.Tensor1D; dw1: tf.Tensor4D; pw1: tf.Tensor4D; b1: tf.Tensor1D; dw2: tf.Tensor4D; pw2: tf.Tensor4D; b2: tf.Tensor1D }[];
  head: { w: tf.Tensor4D; b: tf.Tensor1D };
}

function upload(f: FoldedMiniXception): Weights {
  const conv = (w: { w: Float32Array; kh: number; kw: number; cin: number; cout: number }) => tf.tensor4d(w.w, [w.kh, w.kw, w.cin, w.cout]);
  return {
    stem: f.stem.map((c) => ({ w: conv(c), b: tf.tensor1d(c.b) })),
    blocks: f.blocks.map((b) => ({
      sw: conv(b.shortcut), sb: tf.tensor1d(b.shortcut.b),
      dw1: tf.tensor4d(b.dw1.w, [3, 3, b.dw1.c, 1]), pw1: tf.tensor4d(b.pw1.w, [1, 1, b.pw1.cin, b.pw1.cout]), b1: tf.tensor1d(b.pw1.b),
      dw2: tf.tensor4d(b.dw2.w, [3, 3, b.dw2.c, 1]), pw2: tf.tensor4d(b.pw2.w, [1, 1, b.pw2.cin, b.pw2.cout]), b2: tf.tensor1d(b.pw2.b),
    })),
    head: { w: conv(f.head), b: tf.tensor1d(f.head.b) },
  };
}

/** The forward pass: normalised NHWC input -> [N, K] logits. */
function forward(W: Weights, x: tf.Tensor4D): tf.Tensor2D {
  let h = tf.fused.conv2d({ x, filter: W.stem[0].w, strides: 1, pad: 'valid', bias: W.stem[0].b, activation: 'relu' });
  h = tf.fused.conv2d({ x: h, filter: W.stem[1].w, strides: 1, pad: 'valid', bias: W.stem[1].b, activation: 'relu' });
  for (const b of W.blocks) {
    const r = tf.fused.conv2d({ x: h, filter: b.sw, strides: 2, pad: 'valid', bias: b.sb });
    let y = tf.depthwiseConv2d(h, b.dw1, 1, 'same');
    y = tf.fused.conv2d({ x: y, filter: b.pw1, strides: 1, pad: 'valid', bias: b.b1, activation: 'relu' });
    y = tf.depthwiseConv2d(y, b.dw2, 1, 'same');
    y = tf.fused.conv2d({ x: y, filter: b.pw2, strides: 1, pad: 'valid', bias: b.b2 });
    y = tf.maxPool(y, 3, 2, 1, 'floor');
    h = tf.add(y, r);
  }
  const z = tf.fused.conv2d({ x: h, filter: W.head.w, strides: 1, pad: 'same', bias: W.head.b });
  return tf.mean(z, [1, 2]) as tf.Tensor2D;
}

export async function tfjsRunner(backend: Backend, f: FoldedMiniXception, input: BenchInput, vendorUrl: string, threads = 1): Promise<ModelRunner> {
  if (backend === 'wasm' && !wasmConfigured) {
    wasmConfigured = true;
    setWasmPaths(vendorUrl);
    setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to initialise`);
  await tf.ready();
  // Weights live on this backend; every call switches back to it first, so they never move.
  const W = upload(f);
  const s = input.size;
  return {
    runtime: 'tfjs',
    backend,
    async prepare() {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    async logits(n) {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      const out = tf.tidy(() => forward(W, tf.tensor4d(input.normalized.subarray(0, n * s * s), [n, s, s, 1])));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    async dispose() {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
      tf.dispose([...W.stem.flatMap((c) => [c.w, c.b]), ...W.blocks.flatMap((b) => Object.values(b)), W.head.w, W.head.b]);
    },
  };
}
