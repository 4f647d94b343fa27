// YuNet runtime: the converted weights load and validate, broken files fail naming the problem,
// the WebGPU and wasm plans match the CPU plan on the real weights, and detect() runs on both backends.
// (Parity with onnxruntime on real photos: test/e2e/yunet-parity.test.mjs.)
import { expect } from '@esm-bundle/chai';
import { readFloats } from '../../src/gpu/buffers.js';
import { type SafeTensor, parseSafetensors } from '../../src/nn/safetensors.js';
import { createYunet } from '../../src/nn/yunet/yunet.js';
import { yunetCpuForward } from '../../src/nn/yunet/yunet-cpu.js';
import { YunetGpuPlan } from '../../src/nn/yunet/yunet-gpu.js';
import { YunetWasmPlan } from '../../src/nn/yunet/yunet-wasm.js';
import { type YunetModel, buildYunet, expectedYunetTensors, fetchYunet, parseYunetSpec, yunetShapes } from '../../src/nn/yunet/yunet-weights.js';
import { FramePixels } from '../../src/vision/frame-pixels.js';
import { FrameTexture } from '../../src/vision/frame-texture.js';
import { anchorCount } from '../../src/vision/yunet-decode.js';
import { assertClose, randomArray, withDevice } from '../helpers/gpu.js';
import { goldenFace } from '../worker/pasted-faces.js';

let cached: Promise<{ json: unknown; tensors: Map<string, SafeTensor>; model: YunetModel }> | undefined;
function real() {
  cached ??= (async () => {
    const json: unknown = await (await fetch('/weights/yunet.json')).json();
    const tensors = parseSafetensors(await (await fetch('/weights/yunet.safetensors')).arrayBuffer());
    return { json, tensors, model: await fetchYunet('/weights') };
  })();
  return cached;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

/** A random input tensor like the resize kernel's: B, G, R in 0..255. */
function randomInput(w: number, h: number, seed: number): Float32Array {
  return randomArray(w * h * 3, seed, 0, 255);
}

// GPU vs CPU: f32 both, different summation order through 38 layers. On real photos both stay
// within 3e-5 of onnxruntime (test/e2e/yunet-parity.test.mjs); noise inputs drive larger
// activations, so 2e-3 leaves room.
const ATOL = 2e-3;

suite('yunet weights', () => {
  test('weights/yunet.*: 38 layers, 70 tensors, 53104 parameters, attribution kept', async () => {
    const { json, tensors, model } = await real();
    const spec = parseYunetSpec(json);
    expect(spec.layers).to.have.length(38);
    expect(spec.strides).to.deep.equal([8, 16, 32]);
    expect(tensors.size).to.equal(70);
    expect([...tensors.values()].reduce((a, t) => a + t.data.length, 0)).to.equal(53104);
    expect(spec.attribution.license).to.match(/^Apache-2\.0/);
    expect(spec.attribution.authors).to.equal('Wei Wu, Hanyang Peng, Shiqi Yu');
    expect(model.layers[0].op === 'conv' && model.layers[0].w.cin).to.equal(3);
    const sh = yunetShapes(model, 480, 640);
    expect(sh.get('184')).to.deep.equal([240, 320, 16]);
    expect(sh.get('256')).to.deep.equal([60, 80, 64]);
    expect(sh.get('236')).to.deep.equal([15, 20, 64]);
  });

  test('broken spec or tensors: errors name the layer or tensor', async () => {
    const { json, tensors } = await real();
    const j = json as { layers: Record<string, unknown>[] };
    const with_ = (i: number, patch: Record<string, unknown>) => ({ ...j, layers: j.layers.map((l, k) => (k === i ? { ...l, ...patch } : l)) });
    expect(errorOf(() => parseYunetSpec(with_(3, { op: 'avgpool' })))).to.match(/layer 3 "pool.189": unknown op "avgpool"/);
    expect(errorOf(() => parseYunetSpec(with_(5, { input: 'nope' })))).to.match(/reads "nope", which no earlier layer makes/);
    expect(errorOf(() => parseYunetSpec({ ...j, strides: [8, 16] }))).to.match(/head layers have strides \[8,16,32\]/);
    expect(errorOf(() => parseYunetSpec({ ...j, arch: 'mini-xception' }))).to.match(/"arch"/);
    const spec = parseYunetSpec(json);
    const missing = new Map(tensors);
    missing.delete('head.stride16.dw.bias');
    expect(errorOf(() => buildYunet(spec, missing))).to.match(/missing tensor "head.stride16.dw.bias"/);
    const wrong = new Map(tensors);
    wrong.set('backbone.model1.conv2.conv1.weight', { dtype: 'F32', shape: [32, 8, 1, 1], data: new Float32Array(256) });
    expect(errorOf(() => buildYunet(spec, wrong))).to.match(/"backbone.model1.conv2.conv1.weight" has shape \[32,8,1,1\], expected \[32,16,1,1\]/);
    const nan = new Map(tensors);
    const bad = tensors.get('neck.lateral_convs.0.conv2.bias')!;
    nan.set('neck.lateral_convs.0.conv2.bias', { ...bad, data: Float32Array.from(bad.data, (v, i) => (i === 3 ? NaN : v)) });
    expect(errorOf(() => buildYunet(spec, nan))).to.match(/"neck.lateral_convs.0.conv2.bias" has non-finite values/);
    expect(expectedYunetTensors(spec).size).to.equal(70);
  });
});

suite('yunet runtime', () => {
  // 64x96 and the smallest input (32x32, a 1x1 stride-32 map): CPU time stays small.
  for (const [w, h] of [[96, 64], [32, 32]] as const) {
    test(`WebGPU plan = CPU plan on the real weights, input ${w}x${h}`, withDevice(async (device) => {
      const { model } = await real();
      const input = randomInput(w, h, w * h);
      const want = yunetCpuForward(model, { shape: [1, h, w, 3], data: input });
      const plan = await YunetGpuPlan.create(device, model, w, h);
      const got = await plan.runTensor(input);
      expect(got.length).to.equal(anchorCount(w, h, [8, 16, 32]) * 16);
      assertClose(got, want, ATOL, `heads ${w}x${h}`);
      expect(plan.poolSize).to.be.at.most(6);
      expect(plan.fused).to.equal(2); // model0 and model2: dw → ReLU → MaxPool
      plan.dispose();
    }));
  }

  // The wasm plan on the shapes above plus a full 640x480 frame (the bench's), odd channel-free sizes
  // (every YuNet map is a multiple of 4 channels), and the detector built on it.
  for (const [w, h] of [[96, 64], [32, 32], [640, 480]] as const) {
    test(`wasm plan = CPU plan on the real weights, input ${w}x${h}`, async () => {
      const { model } = await real();
      const input = randomInput(w, h, w + h);
      const want = yunetCpuForward(model, { shape: [1, h, w, 3], data: input });
      const plan = await YunetWasmPlan.create(model, w, h);
      const got = plan.run(input);
      expect(got.length).to.equal(want.length);
      assertClose(got, want, ATOL, `wasm heads ${w}x${h}`);
      assertClose(plan.run(input), want, ATOL, `wasm heads ${w}x${h}, second run (buffers reused)`);
      const det = await createYunet(model);
      expect(det.backend).to.equal('wasm');
      assertClose(await det.heads(input, w, h), want, ATOL, `createYunet wasm heads ${w}x${h}`);
      expect((await createYunet(model, { cpu: 'cpu' })).backend).to.equal('cpu');
    });
  }

  test('FrameTexture keeps its texture for same-size frames, re-makes it on a size change', withDevice(async (device) => {
    const px = new Uint8ClampedArray(5 * 3 * 4).map((_, i) => (i * 37) % 256);
    for (let i = 3; i < px.length; i += 4) px[i] = 255;
    const bmp = await createImageBitmap(new ImageData(px, 5, 3));
    const ft = new FrameTexture(device, 'test.frame');
    const t1 = ft.upload(bmp);
    expect([ft.width, ft.height, ft.generation]).to.deep.equal([5, 3, 1]);
    expect(ft.upload(bmp)).to.equal(t1);
    const buf = device.createBuffer({ size: 256 * 3, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    const enc = device.createCommandEncoder();
    enc.copyTextureToBuffer({ texture: t1 }, { buffer: buf, bytesPerRow: 256 }, [5, 3]);
    device.queue.submit([enc.finish()]);
    const bytes = new Uint8Array((await readFloats(device, buf, 64 * 3)).buffer);
    for (let y = 0; y < 3; y++) expect(Array.from(bytes.subarray(y * 256, y * 256 + 20))).to.deep.equal(Array.from(px.subarray(y * 20, y * 20 + 20)));
    const big = await createImageBitmap(new ImageData(6, 4));
    ft.upload(big);
    expect([ft.width, ft.height, ft.generation]).to.deep.equal([6, 4, 2]);
    ft.destroy();
    buf.destroy();
  }));

  test('a VideoFrame goes in like an ImageBitmap: display size, same bytes on the GPU and through FramePixels', withDevice(async (device) => {
    const c = new OffscreenCanvas(6, 4);
    const ctx = c.getContext('2d')!;
    for (let i = 0; i < 24; i++) {
      ctx.fillStyle = `rgb(${i * 10} ${255 - i * 10} ${(i * 37) % 256})`;
      ctx.fillRect(i % 6, Math.floor(i / 6), 1, 1);
    }
    const frame = new VideoFrame(c, { timestamp: 0 });
    const ft = new FrameTexture(device, 'test.video');
    expect(ft.directVideo).to.equal(false); // SwiftShader: through an OffscreenCanvas (see frame-texture.ts)
    const tex = ft.upload(frame);
    expect([tex.width, tex.height]).to.deep.equal([6, 4]);
    const buf = device.createBuffer({ size: 256 * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    const enc = device.createCommandEncoder();
    enc.copyTextureToBuffer({ texture: tex }, { buffer: buf, bytesPerRow: 256 }, [6, 4]);
    device.queue.submit([enc.finish()]);
    const bytes = new Uint8Array((await readFloats(device, buf, 64 * 4)).buffer);
    const px = new FramePixels().read(frame);
    expect([px.width, px.height]).to.deep.equal([6, 4]);
    for (let y = 0; y < 4; y++) expect(Array.from(bytes.subarray(y * 256, y * 256 + 24))).to.deep.equal(Array.from(px.data.subarray(y * 24, y * 24 + 24)));
    frame.close();
    ft.destroy();
    buf.destroy();
  }));

  test('detect(): both backends see the same input tensor and find the same faces in a synthetic frame', withDevice(async (device) => {
    const { model } = await real();
    // A smooth frame (gradients + discs): bilinear resize of noise would differ only in f32 rounding,
    // this checks the whole path incl. the 1.25x downscale of 800x600 into 640x480.
    const c = new OffscreenCanvas(800, 600);
    const ctx = c.getContext('2d')!;
    const grad = ctx.createLinearGradient(0, 0, 800, 600);
    grad.addColorStop(0, '#203040');
    grad.addColorStop(1, '#e0c0a0');
    ctx.fillStyle = grad;
    ctx.fillRect(0, 0, 800, 600);
    for (let i = 0; i < 6; i++) {
      ctx.fillStyle = `hsl(${i * 60} 60% 60%)`;
      ctx.beginPath();
      ctx.arc(100 + i * 120, 300 + (i % 2) * 80, 40 + i * 5, 0, 2 * Math.PI);
      ctx.fill();
    }
    const bmp = await createImageBitmap(c);
    const gpu = await createYunet(model, { device });
    const cpu = await createYunet(model, { cpu: 'cpu' });
    const a = await gpu.inspect(bmp, { scoreThreshold: 0.05 });
    const b = await cpu.inspect(bmp, { scoreThreshold: 0.05 });
    expect([a.geometry.inW, a.geometry.inH, a.geometry.padW, a.geometry.padH]).to.deep.equal([640, 480, 640, 480]);
    assertClose(a.input, b.input, 0.05, 'input tensor');
    assertClose(a.heads, b.heads, ATOL, 'heads');
    expect(a.faces.length).to.equal(b.faces.length);
    a.faces.forEach((f, i) => {
      assertClose(f.box, b.faces[i].box, 0.05, `face ${i} box`);
      expect(f.score).to.be.closeTo(b.faces[i].score, 1e-3);
    });
    expect(gpu.frameTexture?.width).to.equal(800);
    const vf = new VideoFrame(c, { timestamp: 0 });
    const v = await gpu.detect(vf, { scoreThreshold: 0.05 });
    vf.close();
    expect(v.length).to.equal(a.faces.length);
    v.forEach((f, i) => assertClose(f.box, a.faces[i].box, 1e-3, `VideoFrame face ${i}`));
    expect(cpu.frameTexture).to.equal(undefined);
    gpu.dispose();
    cpu.dispose();
  }));

  test('wasm detect(): a decoder\'s I420 VideoFrame (read without a canvas) gives the faces and pixels of the same picture as an ImageBitmap', async () => {
    const { model } = await real();
    // A gray picture with a FER face pasted at 3x; as limited-range I420 its luma is 16 + 219 v / 255.
    const W = 336, H = 400, face = await goldenFace();
    const gray = new Uint8Array(W * H).fill(90);
    for (let y = 0; y < 144; y++) for (let x = 0; x < 144; x++) gray[(120 + y) * W + 90 + x] = face[Math.floor(y / 3) * 48 + Math.floor(x / 3)];
    const rgba = new Uint8ClampedArray(W * H * 4);
    gray.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    const i420 = new Uint8Array(W * H * 1.5).fill(128);
    gray.forEach((v, i) => (i420[i] = Math.round(16 + (219 * v) / 255)));
    const det = await createYunet(model, { cpu: 'wasm' });
    const bmp = await createImageBitmap(new ImageData(rgba, W, H));
    const want = await det.detect(bmp);
    expect(want.length, 'the pasted face is found').to.equal(1);
    const frame = new VideoFrame(i420, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0, colorSpace: { matrix: 'smpte170m', fullRange: false } });
    const got = await det.detect(frame);
    frame.close();
    expect(got.length).to.equal(1);
    assertClose(got[0].box, want[0].box, 1, 'box (frame px)');
    expect(got[0].score).to.be.closeTo(want[0].score, 0.02);
    const px = det.framePixels!;
    let worst = 0;
    for (let i = 0; i < rgba.length; i++) worst = Math.max(worst, Math.abs(px.data[i] - rgba[i]));
    expect(worst, 'pixels the crops read, in levels').to.be.at.most(1);
    expect(det.laps.read).to.be.above(0);
    // This call's input size (face following's reduced full-frame detection): 160 px for a 400 px
    // high frame; the 144 px face is still found, in the same place.
    const reduced = await det.detect(bmp, { maxSide: 160 });
    expect(reduced.length).to.equal(1);
    const [a, b] = [reduced[0].box, want[0].box];
    const inter = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    expect(inter / (a[2] * a[3] + b[2] * b[3] - inter), 'IoU with the full-size detection').to.be.above(0.7);
    let refused = '';
    await det.detect(bmp, { maxSide: 16 }).catch((e: Error) => (refused = e.message));
    expect(refused).to.match(/maxSide 16 is below 32/);
    det.dispose();
  });
});
