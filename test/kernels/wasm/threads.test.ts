// The wasm kernels' worker pool: programs split by rows across 2 and 3 threads give the same
// floats as one thread and as the TypeScript references, on shapes whose rows do not divide by the
// thread count, one-row maps, and whole plans (mini-Xception, YuNet). The test page is cross-origin
// isolated (web-test-runner.config.mjs sends COOP/COEP), so the pool really runs.
import { expect } from '@esm-bundle/chai';
import { conv2dRef } from '../../../src/kernels/conv2d.ref.js';
import { depthwiseConv2dRef } from '../../../src/kernels/depthwise-conv2d.ref.js';
import { maxpoolAddRef, poolOutSize } from '../../../src/kernels/maxpool-add.ref.js';
import { pointwiseConv2dRef } from '../../../src/kernels/pointwise-conv2d.ref.js';
import { tensor } from '../../../src/kernels/tensor.js';
import { HeapLayout } from '../../../src/kernels/wasm/heap.js';
import { threadsUnavailable } from '../../../src/kernels/wasm/module.js';
import { type WTensor, conv2d, depthwise, maxpoolAdd, pointwise } from '../../../src/kernels/wasm/ops.js';
import { record, sliceOf } from '../../../src/kernels/wasm/program.js';
import { setKernelWorkerUrl } from '../../../src/kernels/wasm/threads.js';
import { WasmPlan } from '../../../src/nn/mini-xception/mini-xception-wasm.js';
import { YunetWasmPlan } from '../../../src/nn/yunet/yunet-wasm.js';
import { fetchYunet } from '../../../src/nn/yunet/yunet-weights.js';
import { assertClose, randomArray } from '../../helpers/gpu.js';
import { randomMiniXception, randomSpec } from '../../nn/random-mini-xception.js';
import { randomConv, randomDw, randomPw } from '../harness.js';

const WORKER = new URL('/src/kernels/wasm/kernel.worker.ts', location.href);
const rand = (shape: number[], seed: number) => tensor(shape, randomArray(shape.reduce((a, b) => a * b, 1), seed));

/** conv → depthwise → pointwise → maxpool+add on x, as one program, run on `threads`; the four outputs. */
async function chain(x: ReturnType<typeof rand>, cout: number, threads: number) {
  const [n, h, w, cin] = x.shape;
  const l = new HeapLayout();
  const cw = randomConv(3, 3, cin, cout, 3), dw = randomDw(cout, 4), pw = randomPw(cout, cout, 5);
  const xs: WTensor = { ptr: l.alloc(x.data.length, x.data), n, h, w, c: cin };
  const wc = l.conv(cw), wd = l.dw(dw), wp = l.pw(pw);
  const sz = n * h * w * cout, oh = poolOutSize(h), ow = poolOutSize(w);
  const [a, b, c] = [sz, sz, sz].map((k) => l.alloc(k, new Float32Array(k).fill(NaN)));
  const r = rand([n, oh, ow, cout], 6);
  const rp = l.alloc(r.data.length, r.data), po = l.alloc(r.data.length);
  const calls = record((m) => {
    const ya = conv2d(m, xs, wc, 1, 1, true, a);
    const yb = depthwise(m, ya, wd, 'relu', b);
    const yc = pointwise(m, yb, wp, false, c);
    maxpoolAdd(m, yc, { ptr: rp, n, h: oh, w: ow, c: cout }, po);
  });
  const prog = l.program(calls);
  const heap = await l.build({ threads });
  heap.exec(prog);
  heap.exec(prog); // twice: the second replays the cached program, and the barrier counter carries on
  const read = (p: number, k: number) => heap.f32(p, k).slice();
  const out = { threads: heap.threads, conv: read(a, sz), dw: read(b, sz), pw: read(c, sz), pool: read(po, r.data.length), cw, dw_: dw, pw_: pw, r };
  heap.dispose();
  return out;
}

suite('wasm threads', () => {
  suiteSetup(() => setKernelWorkerUrl(WORKER));

  test('the test page is cross-origin isolated, so threads can run', () => {
    expect(threadsUnavailable()).to.equal(null);
  });

  test('sliceOf covers [lo, hi) exactly once, in order, aligned', () => {
    for (const [lo, hi, n, align] of [[0, 7, 2, 1], [0, 7, 3, 1], [0, 1, 3, 1], [5, 6, 2, 1], [0, 13, 2, 4], [3, 30, 4, 4], [0, 0, 2, 1], [0, 2, 4, 4]]) {
      const parts = Array.from({ length: n }, (_, t) => sliceOf(lo, hi, t, n, align));
      expect(parts[0][0]).to.equal(lo);
      expect(parts[n - 1][1]).to.equal(hi);
      for (let t = 1; t < n; t++) expect(parts[t][0], `${lo}..${hi}/${n}`).to.equal(parts[t - 1][1]);
      for (const [a, b] of parts.slice(0, -1)) expect((a - lo) % align, `${lo}..${hi}/${n} align ${align}`).to.equal(0), expect(b).to.be.at.least(a);
    }
  });

  // Rows 7 and 5 split 2 and 3 ways unevenly, a 1-row map leaves threads with nothing, 13 pixels
  // split by 4-pixel tiles; batch 2 checks rows are split within every image.
  for (const shape of [[1, 7, 9, 3], [2, 5, 6, 4], [1, 1, 8, 5], [1, 13, 1, 2], [1, 1, 1, 4]]) {
    for (const threads of [2, 3]) {
      test(`conv → dw → pw → maxpool+add on ${threads} threads = 1 thread = reference, x=${shape.join('x')}`, async () => {
        const x = rand(shape, 7), cout = 8;
        const one = await chain(x, cout, 1);
        const many = await chain(x, cout, threads);
        expect(many.threads).to.equal(threads);
        // Same kernels, same rows, same order of sums: bit-identical.
        for (const k of ['conv', 'dw', 'pw', 'pool'] as const) expect(Array.from(many[k]), k).to.deep.equal(Array.from(one[k]));
        const ya = conv2dRef(x, one.cw, { stride: 1, pad: 1, relu: true });
        assertClose(many.conv, ya.data, 1e-4, 'conv');
        const yb = depthwiseConv2dRef(ya, one.dw_, true);
        assertClose(many.dw, yb.data, 1e-4, 'dw relu');
        const yc = pointwiseConv2dRef(yb, one.pw_, false);
        assertClose(many.pw, yc.data, 1e-4, 'pw');
        assertClose(many.pool, maxpoolAddRef(yc, one.r).data, 1e-4, 'maxpool+add');
      });
    }
  }

  // Batches run one whole face per thread (execEach), a lone face on the calling thread: batch 1,
  // 3 (a round of 2 + one face) and 5 on 3 threads (3 + 2).
  for (const [threads, batch] of [[2, 1], [2, 3], [3, 5]]) {
    test(`mini-Xception plan on ${threads} threads = 1 thread, batch ${batch}`, async () => {
      const f = randomMiniXception(randomSpec(8, [16, 32, 64, 128]), 3);
      const px = randomArray(batch * 48 * 48, 9, 0, 255);
      const [one, many] = [await WasmPlan.create(f, 1), await WasmPlan.create(f, threads)];
      expect([one.threads.count, many.threads.count]).to.deep.equal([1, threads]);
      expect(Array.from(await many.run(px, batch))).to.deep.equal(Array.from(await one.run(px, batch)));
      one.dispose();
      many.dispose();
    });
  }

  test('YuNet plan on 2 threads = 1 thread on the real weights, 160x128', async () => {
    const model = await fetchYunet('/weights');
    const input = randomArray(160 * 128 * 3, 4, 0, 255);
    const [one, two] = [await YunetWasmPlan.create(model, 160, 128, 1), await YunetWasmPlan.create(model, 160, 128, 2)];
    expect(two.threads.count).to.equal(2);
    expect(Array.from(two.run(input))).to.deep.equal(Array.from(one.run(input)));
    one.dispose();
    two.dispose();
  });

  test('a pool that cannot start falls back to one thread and says why', async () => {
    setKernelWorkerUrl(new URL('/no-such-kernel.worker.js', location.href));
    try {
      const l = new HeapLayout();
      const heap = await l.build({ threads: 2 });
      expect(heap.threads).to.equal(1);
      expect(heap.threadNote).to.match(/kernel worker 1 .*no-such-kernel\.worker\.js/);
    } finally {
      setKernelWorkerUrl(WORKER);
    }
  });

  test('threads below 1 are an error', async () => {
    let msg = '';
    try {
      await new HeapLayout().build({ threads: 0 });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).to.match(/threads = 0 must be at least 1/);
  });
});
