import { expect } from '@esm-bundle/chai';
import { type BatchNorm, foldConv } from '../../src/nn/fold-bn.js';
import type { ConvW, DwW, PwW } from '../../src/nn/mini-xception/folded.js';
import { type ModelSpec, parseModelSpec } from '../../src/nn/model-spec.js';
import { parseSafetensors, writeSafetensors } from '../../src/nn/safetensors.js';
import { expectedTensors, fetchModel, loadMiniXception } from '../../src/nn/mini-xception/weights.js';
import { assertClose, randomArray } from '../helpers/gpu.js';
import { EMOTION, errorOf } from './spec-fixtures.js';

// Tiny spec: 2 input channels and unequal widths so a swapped Cin/Cout or transposition shows up.
const TINY = {
  name: 'tiny', arch: 'mini-xception', input: { size: 9, channels: 2, scale: 2 / 255, offset: -1 },
  stem: 3, widths: [4, 5], classes: ['a', 'b', 'c'], bn_eps: 1e-3, flip_tta: false,
};
type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

/** A random PyTorch state_dict of training/model.py, names written out here independently of weights.ts. */
function stateDict(spec: ModelSpec, seed = 1): Tensors {
  const m: Tensors = new Map();
  let s = seed;
  const put = (name: string, shape: number[], lo = -1, hi = 1) =>
    m.set(name, { shape, data: randomArray(shape.reduce((a, b) => a * b, 1), s++, lo, hi) });
  const bn = (p: string, c: number) => {
    put(`${p}.weight`, [c], 0.5, 2);
    put(`${p}.bias`, [c]);
    put(`${p}.running_mean`, [c]);
    put(`${p}.running_var`, [c], 0.1, 2);
  };
  const chans = [spec.stem, ...spec.widths];
  put('stem.0.conv.weight', [spec.stem, spec.input.channels, 3, 3]);
  bn('stem.0.bn', spec.stem);
  put('stem.1.conv.weight', [spec.stem, spec.stem, 3, 3]);
  bn('stem.1.bn', spec.stem);
  for (let i = 0; i < spec.widths.length; i++) {
    const [cin, c] = [chans[i], chans[i + 1]];
    put(`blocks.${i}.shortcut.conv.weight`, [c, cin, 1, 1]);
    bn(`blocks.${i}.shortcut.bn`, c);
    put(`blocks.${i}.sep1.depthwise.weight`, [cin, 1, 3, 3]);
    put(`blocks.${i}.sep1.pointwise.weight`, [c, cin, 1, 1]);
    bn(`blocks.${i}.bn1`, c);
    put(`blocks.${i}.sep2.depthwise.weight`, [c, 1, 3, 3]);
    put(`blocks.${i}.sep2.pointwise.weight`, [c, c, 1, 1]);
    bn(`blocks.${i}.bn2`, c);
  }
  put('head.weight', [spec.classes.length, chans[chans.length - 1], 3, 3]);
  put('head.bias', [spec.classes.length]);
  return m;
}

// ---- unfolded PyTorch semantics: NCHW, OIHW, grouped conv, then eval BN ----
function convNCHW(x: Float32Array, [, h, w]: number[], wt: Float32Array, [o, ig, kh, kw]: number[], stride: number, pad: number, groups = 1) {
  const ho = Math.floor((h + 2 * pad - kh) / stride) + 1;
  const wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
  const out = new Float32Array(o * ho * wo);
  const opg = o / groups;
  for (let oc = 0; oc < o; oc++) {
    const g = Math.floor(oc / opg);
    for (let y = 0; y < ho; y++) for (let xx = 0; xx < wo; xx++) {
      let acc = 0;
      for (let i = 0; i < ig; i++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
        const iy = y * stride + ky - pad;
        const ix = xx * stride + kx - pad;
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        acc += x[((g * ig + i) * h + iy) * w + ix] * wt[((oc * ig + i) * kh + ky) * kw + kx];
      }
      out[(oc * ho + y) * wo + xx] = acc;
    }
  }
  return { out, shape: [o, ho, wo] };
}

function bnNCHW(y: Float32Array, [c, h, w]: number[], bn: BatchNorm, eps: number): Float32Array {
  const out = new Float32Array(y.length);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) {
    const k = ch * h * w + i;
    out[k] = ((y[k] - bn.running_mean[ch]) / Math.sqrt(bn.running_var[ch] + eps)) * bn.weight[ch] + bn.bias[ch];
  }
  return out;
}

function chwToHwc(x: Float32Array, [c, h, w]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[i * c + ch] = x[ch * h * w + i];
  return out;
}

// ---- folded NHWC layers, written from the layout contract ----
function convNHWC(x: Float32Array, h: number, w: number, k: ConvW, stride: number, pad: number): Float32Array {
  const ho = Math.floor((h + 2 * pad - k.kh) / stride) + 1;
  const wo = Math.floor((w + 2 * pad - k.kw) / stride) + 1;
  const out = new Float32Array(ho * wo * k.cout);
  for (let y = 0; y < ho; y++) for (let xx = 0; xx < wo; xx++) for (let o = 0; o < k.cout; o++) {
    let acc = k.b[o];
    for (let ky = 0; ky < k.kh; ky++) for (let kx = 0; kx < k.kw; kx++) {
      const iy = y * stride + ky - pad;
      const ix = xx * stride + kx - pad;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      for (let i = 0; i < k.cin; i++) acc += x[(iy * w + ix) * k.cin + i] * k.w[((ky * k.kw + kx) * k.cin + i) * k.cout + o];
    }
    out[(y * wo + xx) * k.cout + o] = acc;
  }
  return out;
}

function dwNHWC(x: Float32Array, h: number, w: number, k: DwW): Float32Array {
  const out = new Float32Array(h * w * k.c);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let c = 0; c < k.c; c++) {
    let acc = 0;
    for (let ky = 0; ky < k.kh; ky++) for (let kx = 0; kx < k.kw; kx++) {
      const iy = y + ky - 1;
      const ix = xx + kx - 1;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) acc += x[(iy * w + ix) * k.c + c] * k.w[(ky * k.kw + kx) * k.c + c];
    }
    out[(y * w + xx) * k.c + c] = acc;
  }
  return out;
}

function pwNHWC(x: Float32Array, pixels: number, k: PwW): Float32Array {
  const out = new Float32Array(pixels * k.cout);
  for (let p = 0; p < pixels; p++) for (let o = 0; o < k.cout; o++) {
    let acc = k.b[o];
    for (let i = 0; i < k.cin; i++) acc += x[p * k.cin + i] * k.w[i * k.cout + o];
    out[p * k.cout + o] = acc;
  }
  return out;
}

function bnOf(t: Tensors, p: string): BatchNorm {
  const d = (n: string) => t.get(`${p}.${n}`)!.data;
  return { weight: d('weight'), bias: d('bias'), running_mean: d('running_mean'), running_var: d('running_var') };
}


async function rejectionOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a rejection');
}

suite('weights: BN folding matches conv → BN (unfolded, NCHW)', () => {
  const spec = parseModelSpec(TINY);
  const sd = stateDict(spec, 7);
  const folded = loadMiniXception(spec, writeSafetensors(sd));
  const eps = spec.bn_eps;
  const T = (n: string) => sd.get(n)!;

  test('stem.0 conv3x3 valid + BN: x=2x9x9 → 3x7x7', () => {
    const x = randomArray(2 * 9 * 9, 101);
    const ref = convNCHW(x, [2, 9, 9], T('stem.0.conv.weight').data, T('stem.0.conv.weight').shape, 1, 0);
    const want = chwToHwc(bnNCHW(ref.out, ref.shape, bnOf(sd, 'stem.0.bn'), eps), ref.shape);
    assertClose(convNHWC(chwToHwc(x, [2, 9, 9]), 9, 9, folded.stem[0], 1, 0), want, 1e-5, 'stem.0');
  });

  test('stem.1 conv3x3 valid + BN: x=3x7x7 → 3x5x5', () => {
    const x = randomArray(3 * 7 * 7, 102);
    const ref = convNCHW(x, [3, 7, 7], T('stem.1.conv.weight').data, T('stem.1.conv.weight').shape, 1, 0);
    const want = chwToHwc(bnNCHW(ref.out, ref.shape, bnOf(sd, 'stem.1.bn'), eps), ref.shape);
    assertClose(convNHWC(chwToHwc(x, [3, 7, 7]), 7, 7, folded.stem[1], 1, 0), want, 1e-5, 'stem.1');
  });

  test('blocks.0.shortcut conv1x1/2 + BN: x=3x7x7 → 4x4x4', () => {
    const x = randomArray(3 * 7 * 7, 103);
    const w = T('blocks.0.shortcut.conv.weight');
    const ref = convNCHW(x, [3, 7, 7], w.data, w.shape, 2, 0);
    const want = chwToHwc(bnNCHW(ref.out, ref.shape, bnOf(sd, 'blocks.0.shortcut.bn'), eps), ref.shape);
    assertClose(convNHWC(chwToHwc(x, [3, 7, 7]), 7, 7, folded.blocks[0].shortcut, 2, 0), want, 1e-5, 'shortcut');
  });

  for (const [blk, sep, bnName, cin, c] of [[0, 'sep1', 'bn1', 3, 4], [0, 'sep2', 'bn2', 4, 4], [1, 'sep1', 'bn1', 4, 5], [1, 'sep2', 'bn2', 5, 5]] as const) {
    test(`blocks.${blk}.${sep} depthwise3x3 → pointwise + ${bnName}: x=${cin}x5x6 → ${c}x5x6`, () => {
      const [h, w] = [5, 6];
      const x = randomArray(cin * h * w, 104 + blk);
      const dw = T(`blocks.${blk}.${sep}.depthwise.weight`);
      const pw = T(`blocks.${blk}.${sep}.pointwise.weight`);
      const d = convNCHW(x, [cin, h, w], dw.data, dw.shape, 1, 1, cin);
      const p = convNCHW(d.out, d.shape, pw.data, pw.shape, 1, 0);
      const want = chwToHwc(bnNCHW(p.out, p.shape, bnOf(sd, `blocks.${blk}.${bnName}`), eps), p.shape);
      const b = folded.blocks[blk];
      const [dwW, pwW] = sep === 'sep1' ? [b.dw1, b.pw1] : [b.dw2, b.pw2];
      assertClose(pwNHWC(dwNHWC(chwToHwc(x, [cin, h, w]), h, w, dwW), h * w, pwW), want, 1e-5, `${sep}`);
    });
  }

  test('head conv3x3 same with bias, no BN: x=5x3x3 → 3x3x3', () => {
    const x = randomArray(5 * 3 * 3, 109);
    const ref = convNCHW(x, [5, 3, 3], T('head.weight').data, T('head.weight').shape, 1, 1);
    const hb = T('head.bias').data;
    const biased = ref.out.map((v, i) => v + hb[Math.floor(i / 9)]);
    assertClose(convNHWC(chwToHwc(x, [5, 3, 3]), 3, 3, folded.head, 1, 1), chwToHwc(biased, ref.shape), 1e-5, 'head');
  });

  test('layouts: dense [KH,KW,Cin,Cout] with Cout fastest; dims recorded', () => {
    const w = new Float32Array(2 * 3 * 3 * 2).map((_, k) => k); // OIHW index as value
    const c = foldConv(w, [2, 3, 3, 2], null, 1e-5);
    // OIHW (o=1, i=2, y=0, x=1) → [y=0][x=1][i=2][o=1]
    expect(c.w[((0 * 2 + 1) * 3 + 2) * 2 + 1]).to.equal(((1 * 3 + 2) * 3 + 0) * 2 + 1);
    expect([c.kh, c.kw, c.cin, c.cout]).to.deep.equal([3, 2, 3, 2]);
    expect(Array.from(c.b)).to.deep.equal([0, 0]);
    expect([folded.blocks[1].dw1.c, folded.blocks[1].pw1.cin, folded.blocks[1].pw1.cout]).to.deep.equal([4, 4, 5]);
    expect([folded.head.cin, folded.head.cout, folded.blocks.length]).to.deep.equal([5, 3, 2]);
  });
});

suite('weights: validation errors name the tensor', () => {
  const spec = parseModelSpec(TINY);
  const load = (sd: Tensors) => loadMiniXception(spec, writeSafetensors(sd));

  test('expected tensor list matches training/model.py names (emotion: 80 tensors)', () => {
    const e = parseModelSpec(EMOTION);
    const names = [...expectedTensors(e).keys()];
    expect(names).to.have.length(80);
    expect(names.sort()).to.deep.equal([...stateDict(e).keys()].sort());
    expect(expectedTensors(e).get('blocks.2.sep1.pointwise.weight')).to.deep.equal([64, 32, 1, 1]);
    expect(expectedTensors(e).get('head.weight')).to.deep.equal([7, 128, 3, 3]);
  });

  test('missing tensor', () => {
    const sd = stateDict(spec);
    sd.delete('head.bias');
    expect(errorOf(() => load(sd))).to.equal('weights: missing tensor "head.bias"');
  });

  test('wrong shape', () => {
    const sd = stateDict(spec);
    sd.set('blocks.1.sep1.pointwise.weight', { shape: [5, 3, 1, 1], data: randomArray(15) });
    expect(errorOf(() => load(sd))).to.equal('weights: tensor "blocks.1.sep1.pointwise.weight" has shape [5,3,1,1], expected [5,4,1,1]');
  });

  test('spec that does not describe the file lists every mismatch and hints at it', () => {
    const other = parseModelSpec({ ...TINY, classes: ['a', 'b', 'c', 'd'] });
    const msg = errorOf(() => loadMiniXception(other, writeSafetensors(stateDict(spec))));
    expect(msg).to.include('2 problems');
    expect(msg).to.include('tensor "head.weight" has shape [3,5,3,3], expected [4,5,3,3]');
    expect(msg).to.include('tensor "head.bias" has shape [3], expected [4]');
    expect(msg).to.include('does "tiny" .json describe this .safetensors file?');
  });

  test('NaN and Inf name the tensor and index', () => {
    const sd = stateDict(spec);
    sd.get('blocks.0.sep2.depthwise.weight')!.data[5] = NaN;
    expect(errorOf(() => load(sd))).to.equal('weights: tensor "blocks.0.sep2.depthwise.weight" has 1 non-finite value (first: NaN at index 5)');
    const sd2 = stateDict(spec);
    sd2.get('stem.1.bn.running_mean')!.data[0] = -Infinity;
    expect(errorOf(() => load(sd2))).to.include('tensor "stem.1.bn.running_mean" has 1 non-finite value (first: -Infinity at index 0)');
  });

  test('negative running_var, and a variance that folds to Inf', () => {
    const sd = stateDict(spec);
    sd.get('blocks.1.bn2.running_var')!.data[2] = -0.5;
    expect(errorOf(() => load(sd))).to.include('tensor "blocks.1.bn2.running_var" has a negative variance -0.5 at channel 2');
    const tinyEps = parseModelSpec({ ...TINY, bn_eps: 1e-300 });
    const sd2 = stateDict(spec);
    sd2.get('stem.0.bn.running_var')!.data[1] = 0;
    expect(errorOf(() => loadMiniXception(tinyEps, writeSafetensors(sd2)))).to.include('folding "stem.0.bn" gives non-finite weights');
  });

  test('unexpected extra tensor (wrong file)', () => {
    const sd = stateDict(spec);
    sd.set('stem.0.bn.num_batches_tracked', { shape: [], data: new Float32Array([3]) });
    expect(errorOf(() => load(sd))).to.include('unexpected tensor "stem.0.bn.num_batches_tracked"');
  });

  test('corrupt bytes surface the safetensors error with the source', () => {
    const buf = writeSafetensors(stateDict(spec));
    expect(errorOf(() => loadMiniXception(spec, buf.slice(0, buf.byteLength - 4), 'weights/tiny.safetensors')))
      .to.match(/^weights\/tiny\.safetensors: tensor "head\.bias" .*truncated/);
  });
});

suite('fetchModel', () => {
  const spec = parseModelSpec(TINY);
  const st = writeSafetensors(stateDict(spec));
  let manifest: Record<string, unknown> = {};
  suiteSetup(async () => {
    // The digest the exporter writes, computed here with Web Crypto directly (not integrity.ts).
    const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', st)), (b) => b.toString(16).padStart(2, '0')).join('');
    manifest = { ...TINY, weights: { file: 'tiny.safetensors', bytes: st.byteLength, sha256: hex } };
  });
  const json = (o: unknown) => () => new Response(JSON.stringify(o), { headers: { 'content-type': 'application/json' } });
  const bin = (b: ArrayBuffer | Uint8Array<ArrayBuffer>) => () => new Response(b, { headers: { 'content-type': 'application/octet-stream' } });
  const good = () => ({ 'm/tiny.json': json(manifest), 'm/tiny.safetensors': bin(st) } as Record<string, () => Response>);
  const fake = (files: Record<string, () => Response>) => async (url: string) =>
    files[url] ? files[url]() : new Response('not here', { status: 404, statusText: 'Not Found' });

  test('loads spec and folded weights', async () => {
    const { spec: s, weights } = await fetchModel('m/', 'tiny', fake(good()));
    expect(s).to.deep.equal(TINY);
    expect(weights.blocks).to.have.length(2);
  });

  test('HTTP failure names the URL and status', async () => {
    const files = good();
    delete files['m/tiny.safetensors'];
    expect(await rejectionOf(fetchModel('m', 'tiny', fake(files)))).to.equal('could not download m/tiny.safetensors: 404 Not Found');
    const down = async () => { throw new TypeError('Failed to fetch'); };
    expect(await rejectionOf(fetchModel('m', 'tiny', down))).to.include('could not download m/tiny.json: Failed to fetch');
    // Both missing, the safetensors' 404 answered first: the JSON's error is still the one told.
    const slowJson = async (url: string) => {
      if (url.endsWith('.json')) await new Promise((r) => setTimeout(r, 30));
      return new Response('not here', { status: 404, statusText: 'Not Found' });
    };
    expect(await rejectionOf(fetchModel('m', 'tiny', slowJson))).to.equal('could not download m/tiny.json: 404 Not Found');
  });

  test('HTML fallback page, truncated file, bad JSON', async () => {
    const html = { ...good(), 'm/tiny.safetensors': () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }) };
    expect(await rejectionOf(fetchModel('m', 'tiny', fake(html)))).to.include('m/tiny.safetensors: the server returned an HTML page');
    const cut = { ...good(), 'm/tiny.safetensors': bin(st.slice(0, 300)) };
    expect(await rejectionOf(fetchModel('m', 'tiny', fake(cut)))).to.equal(`m/tiny.safetensors is truncated: it has 300 of the ${st.byteLength} bytes its manifest says`);
    const badJson = { ...good(), 'm/tiny.json': () => new Response('{"name": ') };
    expect(await rejectionOf(fetchModel('m', 'tiny', fake(badJson)))).to.include('m/tiny.json: not valid JSON');
  });

  test('a damaged file that still parses is refused by its SHA-256; a manifest without one is refused', async () => {
    // Flip bytes in the last tensor's data: structure, shapes and finiteness stay valid.
    const bad = new Uint8Array(st.slice(0));
    for (let i = bad.length - 40; i < bad.length - 20; i++) bad[i] ^= 0x01;
    expect(loadMiniXception(spec, bad.buffer).blocks).to.have.length(2);
    expect(await rejectionOf(fetchModel('m', 'tiny', fake({ ...good(), 'm/tiny.safetensors': bin(bad) }))))
      .to.match(/^m\/tiny\.safetensors is damaged or from another build: its SHA-256 is [0-9a-f]{12}… where its manifest says [0-9a-f]{12}…$/);
    expect(await rejectionOf(fetchModel('m', 'tiny', fake({ ...good(), 'm/tiny.json': json(TINY) }))))
      .to.include('m/tiny.json has no valid "weights": {"file", "bytes", "sha256"} entry');
    const other = { ...manifest, weights: { ...(manifest.weights as object), file: 'other.safetensors' } };
    expect(await rejectionOf(fetchModel('m', 'tiny', fake({ ...good(), 'm/tiny.json': json(other) }))))
      .to.equal('m/tiny.json describes the weights file "other.safetensors", not tiny.safetensors');
  });

  test('real weights/emotion.*: every tensor present, F32, finite, and folds', async () => {
    const { spec: s, weights } = await fetchModel('/weights', 'emotion');
    expect(s.name).to.equal('emotion');
    const raw = parseSafetensors(await (await fetch('/weights/emotion.safetensors')).arrayBuffer());
    const expected = expectedTensors(s);
    expect([...raw.keys()].sort()).to.deep.equal([...expected.keys()].sort());
    for (const [name, t] of raw) {
      expect(t.dtype, name).to.equal('F32');
      expect(t.shape, name).to.deep.equal(expected.get(name));
      expect(t.data.every(Number.isFinite), name).to.equal(true);
    }
    const all = [...weights.stem, ...weights.blocks.flatMap((b) => [b.shortcut, b.dw1, b.pw1, b.dw2, b.pw2]), weights.head];
    for (const l of all) expect(l.w.every(Number.isFinite) && ('b' in l ? l.b.every(Number.isFinite) : true)).to.equal(true);
  });
});

function maxPoolNHWC(x: Float32Array, h: number, w: number, c: number): Float32Array {
  const ho = Math.floor((h - 1) / 2) + 1;
  const wo = Math.floor((w - 1) / 2) + 1;
  const out = new Float32Array(ho * wo * c).fill(-Infinity);
  for (let y = 0; y < ho; y++) for (let xx = 0; xx < wo; xx++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
    const iy = y * 2 + ky - 1;
    const ix = xx * 2 + kx - 1;
    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
    for (let ch = 0; ch < c; ch++) out[(y * wo + xx) * c + ch] = Math.max(out[(y * wo + xx) * c + ch], x[(iy * w + ix) * c + ch]);
  }
  return out;
}

const relu = (a: Float32Array) => a.map((v) => Math.max(v, 0));

suite('real emotion weights vs PyTorch golden taps', () => {
  // The folded, transposed weights must reproduce PyTorch's own activations (training/golden.py):
  // this checks names, layouts and BN folding against the real exporter, not our own writer.
  test('stem and block0 of test/fixtures/emotion.golden.safetensors (N=4)', async () => {
    const { spec, weights } = await fetchModel('/weights', 'emotion');
    const g = parseSafetensors(await (await fetch('/test/fixtures/emotion.golden.safetensors')).arrayBuffer());
    const [n, size] = g.get('input')!.shape;
    const c0 = spec.stem;
    const c1 = spec.widths[0];
    const tapStem = g.get('taps.stem')!;
    const tapB0 = g.get('taps.block0')!;
    expect(tapStem.shape).to.deep.equal([n, size - 4, size - 4, c0]);
    const s = size - 4;
    const h = Math.floor((s - 1) / 2) + 1;
    expect(tapB0.shape).to.deep.equal([n, h, h, c1]);
    for (let i = 0; i < n; i++) {
      const x = g.get('input')!.data.subarray(i * size * size, (i + 1) * size * size);
      const a = relu(convNHWC(x, size, size, weights.stem[0], 1, 0));
      const stem = relu(convNHWC(a, size - 2, size - 2, weights.stem[1], 1, 0));
      assertClose(stem, tapStem.data.subarray(i * s * s * c0, (i + 1) * s * s * c0), 1e-4, `taps.stem[${i}]`);
      const b = weights.blocks[0];
      const r = convNHWC(stem, s, s, b.shortcut, 2, 0);
      const y1 = relu(pwNHWC(dwNHWC(stem, s, s, b.dw1), s * s, b.pw1));
      const y2 = maxPoolNHWC(pwNHWC(dwNHWC(y1, s, s, b.dw2), s * s, b.pw2), s, s, c1);
      const block0 = y2.map((v, k) => v + r[k]);
      assertClose(block0, tapB0.data.subarray(i * h * h * c1, (i + 1) * h * h * c1), 1e-4, `taps.block0[${i}]`);
    }
  });
});
