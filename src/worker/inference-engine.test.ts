import { expect } from '@esm-bundle/chai';
import { isFallback, requestGpu, type GpuProbe } from '../gpu/device-select.js';
import type { WorkerEvent } from './api.js';
import { InferenceEngine, type ClassifierLike, type LoadedModel } from './inference-engine.js';

const CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const SIZE = 4;

/** A classifier whose answer encodes the backend and the first pixel; msPerCall fakes speed. */
function fakeClassifier(backend: 'webgpu' | 'wasm' | 'cpu', msPerCall: number, calls: number[]): ClassifierLike {
  return {
    backend,
    async classify(gray, n) {
      calls.push(n);
      await new Promise((r) => setTimeout(r, msPerCall));
      const out = new Float32Array(n * CLASSES.length);
      for (let i = 0; i < n; i++) out[i * CLASSES.length + (gray[i * SIZE * SIZE] % CLASSES.length)] = 1;
      return out;
    },
    dispose() {},
  };
}

/** A GPUDevice stand-in: only `lost` and `destroy` are used by the engine. */
function fakeDevice() {
  let lose!: (info: GPUDeviceLostInfo) => void;
  const lost = new Promise<GPUDeviceLostInfo>((r) => (lose = r));
  const device = { lost, destroyed: false, destroy() { this.destroyed = true; lose({ reason: 'destroyed', message: '' } as GPUDeviceLostInfo); } };
  return { device: device as unknown as GPUDevice, raw: device, lose: (message: string) => lose({ reason: 'unknown', message } as GPUDeviceLostInfo) };
}

function setup(o: { gpu?: 'none' | 'hardware' | 'fallback'; gpuMs?: number; cpuMs?: number; failLoad?: string } = {}) {
  const calls: number[] = [];
  const created: string[] = [];
  let dev = fakeDevice();
  const model: LoadedModel = {
    classes: CLASSES,
    inputSize: SIZE,
    async create({ device, cpu }) {
      created.push(device ? 'webgpu' : `cpu path ${cpu}`);
      return device ? fakeClassifier('webgpu', o.gpuMs ?? 0, calls) : fakeClassifier(cpu ?? 'cpu', o.cpuMs ?? 0, calls);
    },
  };
  const gpu = async (): Promise<GpuProbe> => {
    if ((o.gpu ?? 'hardware') === 'none') return { ok: false, why: 'no adapter here' };
    dev = fakeDevice();
    return { ok: true, adapter: {} as GPUAdapter, device: dev.device, name: 'test adapter', fallback: o.gpu === 'fallback' };
  };
  const urls: string[] = [];
  const engine = new InferenceEngine(async (url, name) => {
    urls.push(`${url}${name}`);
    if (o.failLoad) throw new Error(o.failLoad);
    return model;
  }, gpu, 'http://example.test/app/inference.worker.js');
  return { engine, calls, created, urls, device: () => dev };
}

suite('inference engine', () => {
  test('cpu requested: CPU backend, weights resolved next to the worker', async () => {
    const { engine, urls } = setup();
    const r = await engine.load({ model: 'emotion', backend: 'cpu' });
    expect(r.backend).to.equal('cpu');
    expect(r.reason).to.match(/requested/);
    expect(r.classes).to.deep.equal(CLASSES);
    expect(urls).to.deep.equal(['http://example.test/app/weights/emotion']);
  });

  test('wasm requested: the wasm kernels; cpu requested: the TS reference; no WebGPU: wasm', async () => {
    const a = setup();
    const r = await a.engine.load({ model: 'emotion', backend: 'wasm' });
    expect([r.backend, r.reason]).to.deep.equal(['wasm', 'WebAssembly backend requested.']);
    await a.engine.load({ model: 'emotion', backend: 'cpu' });
    const b = setup({ gpu: 'none' });
    expect((await b.engine.load({ model: 'emotion' })).backend).to.equal('wasm');
    expect([...a.created, ...b.created]).to.deep.equal(['cpu path wasm', 'cpu path cpu', 'cpu path wasm']);
  });

  test('auto without WebGPU falls back to the CPU and says why', async () => {
    const { engine } = setup({ gpu: 'none' });
    const r = await engine.load({ model: 'emotion' });
    expect(r.backend).to.equal('wasm');
    expect(r.reason).to.match(/^WebGPU unavailable: no adapter here/);
  });

  test('webgpu requested without WebGPU is an error', async () => {
    const { engine } = setup({ gpu: 'none' });
    let err: unknown;
    await engine.load({ model: 'emotion', backend: 'webgpu' }).catch((e) => (err = e));
    expect(String(err)).to.match(/WebGPU unavailable/);
  });

  test('auto on a hardware adapter uses WebGPU without timing', async () => {
    const { engine, created } = setup({ gpu: 'hardware' });
    const r = await engine.load({ model: 'emotion' });
    expect(r.backend).to.equal('webgpu');
    expect(r.timings).to.equal(undefined);
    expect(created).to.deep.equal(['webgpu']);
  });

  test('auto on a fallback adapter times both and keeps the faster (wasm here)', async () => {
    const { engine, device } = setup({ gpu: 'fallback', gpuMs: 30, cpuMs: 1 });
    const r = await engine.load({ model: 'emotion', typicalBatch: 2 });
    expect(r.backend).to.equal('wasm');
    expect(r.timings!.batch).to.equal(2);
    expect(r.timings!.webgpu!).to.be.greaterThan(r.timings!.cpu!);
    expect(r.reason).to.match(/software fallback.*vs wasm .*using the faster, wasm/);
    expect((device().raw as { destroyed: boolean }).destroyed).to.equal(true);
  });

  test('auto on a fallback adapter keeps WebGPU when it is faster', async () => {
    const { engine } = setup({ gpu: 'fallback', gpuMs: 1, cpuMs: 30 });
    const r = await engine.load({ model: 'emotion' });
    expect(r.backend).to.equal('webgpu');
    expect(r.reason).to.match(/using the faster, WebGPU/);
  });

  test('classify splits batches larger than maxBatch and keeps the order', async () => {
    const { engine, calls } = setup();
    await engine.load({ model: 'emotion', backend: 'cpu', maxBatch: 2 });
    const gray = new Uint8Array(5 * SIZE * SIZE);
    for (let i = 0; i < 5; i++) gray[i * SIZE * SIZE] = i;
    const probs = await engine.classify({ gray, n: 5 });
    expect(calls).to.deep.equal([2, 2, 1]);
    for (let i = 0; i < 5; i++) expect(probs[i * CLASSES.length + i]).to.equal(1);
  });

  test('classify rejects a wrong pixel count and an unloaded engine', async () => {
    const { engine } = setup();
    let err: unknown;
    await engine.classify({ gray: new Uint8Array(SIZE * SIZE), n: 1 }).catch((e) => (err = e));
    expect(String(err)).to.match(/load\(\) first/);
    await engine.load({ model: 'emotion', backend: 'cpu' });
    err = undefined;
    await engine.classify({ gray: new Uint8Array(3), n: 1 }).catch((e) => (err = e));
    expect(String(err)).to.match(/expected n × 4² = 16 pixels, got 3/);
  });

  test('a weights error names the model', async () => {
    const { engine } = setup({ failLoad: 'tensor "head.bias" has shape [3], expected [7]' });
    let err: unknown;
    await engine.load({ model: 'emotion' }).catch((e) => (err = e));
    expect(String(err)).to.match(/Could not load the emotion model: tensor "head.bias"/);
  });

  test('a lost device is reported and rebuilt on the next call', async () => {
    const { engine, created, device } = setup({ gpu: 'hardware' });
    const events: WorkerEvent[] = [];
    engine.subscribe((e) => events.push(e));
    await engine.load({ model: 'emotion' });
    device().lose('driver reset');
    await new Promise((r) => setTimeout(r, 0));
    expect(events[0]).to.deep.include({ type: 'device-lost' });
    expect((events[0] as { message: string }).message).to.match(/driver reset/);
    await engine.classify({ gray: new Uint8Array(SIZE * SIZE), n: 1 });
    expect(created).to.deep.equal(['webgpu', 'webgpu']);
    expect(events[1]).to.deep.include({ type: 'recovered', backend: 'webgpu' });
  });

  test('requestGpu here finds SwiftShader and calls it a fallback adapter', async () => {
    const probe = await requestGpu();
    if (!probe.ok) throw new Error(probe.why);
    try {
      expect(isFallback(probe.adapter)).to.equal(probe.fallback);
      expect(probe.name).to.be.a('string').and.not.equal('');
    } finally {
      probe.device.destroy();
    }
  });
});
