// Guided back-propagation saliency on the wasm kernels (the CPU path's saliency, mirroring
// saliency-cpu.ts step for step). The backward of each linear layer is a forward kernel on
// transformed weights, made once at load: a stride-1 conv's input gradient is a conv with the
// kernel rotated 180° and Cin/Cout swapped (padding K-1-pad); pointwise and the 1x1/2 shortcut use
// the transposed matrix; depthwise the rotated 3x3. What is not a conv (GAP's fan-out, max-pool
// routing to the arg-max, the guided-ReLU mask, the shortcut's stride-2 scatter, channel sums) runs
// in TypeScript on views of the same memory. One face at a time, its activations kept in the heap.
import type { ConvW, DwW, PwW } from '../../kernels/types.js';
import { softmaxRef } from '../../kernels/head-gap.ref.js';
import { type Targets, selectLogitsRef } from '../../kernels/head-gap-backward.ref.js';
import { HeapLayout, type WConv, type WDw, type WPw, type WasmHeap } from '../../kernels/wasm/heap.js';
import { type WTensor, conv2d, depthwise, globalAvgPool, maxpoolAdd, pointwise } from '../../kernels/wasm/ops.js';
import type { FoldedMiniXception } from '../mini-xception/folded.js';
import { miniXceptionShapes } from '../mini-xception/mini-xception-shapes.js';
import { type SaliencyOutput, mirrorFaces } from './saliency-cpu.js';

/** conv [KH,KW,Cin,Cout] → the conv computing its input gradient: [KH,KW,Cout,Cin], rotated 180°, no bias. */
export function convInputGradWeights(c: ConvW): ConvW {
  const { kh, kw, cin, cout } = c;
  const w = new Float32Array(c.w.length);
  for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) {
    w[(((kh - 1 - ky) * kw + (kw - 1 - kx)) * cout + co) * cin + ci] = c.w[((ky * kw + kx) * cin + ci) * cout + co];
  }
  return { w, b: new Float32Array(cin), kh, kw, cin: cout, cout: cin };
}

function transposePw(w: Float32Array, cin: number, cout: number): PwW {
  const t = new Float32Array(w.length);
  for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) t[o * cin + i] = w[i * cout + o];
  return { w: t, b: new Float32Array(cin), cin: cout, cout: cin };
}

function rotateDw(d: DwW): DwW {
  const w = new Float32Array(d.w.length);
  for (let t = 0; t < 9; t++) for (let c = 0; c < d.c; c++) w[(8 - t) * d.c + c] = d.w[t * d.c + c];
  return { ...d, w };
}

interface Block { shortcut: WConv; dw1: WDw; pw1: WPw; dw2: WDw; pw2: WPw; shortT: WPw; pw2T: WPw; dw2R: WDw; pw1T: WPw; dw1R: WDw }
interface Kept { dw1: number; a1: number; dw2: number; y: number; out: number }

export class SaliencyWasmPlan {
  private constructor(
    private readonly f: FoldedMiniXception,
    private readonly m: WasmHeap,
    private readonly stem: WConv[],
    private readonly stemT: WConv[],
    private readonly head: WConv,
    private readonly headT: WConv,
    private readonly blocks: Block[],
    private readonly buf: { input: number; stem0: number; stem1: number; kept: Kept[]; headOut: number; logits: number; g: number[] },
  ) {}

  static async create(f: FoldedMiniXception): Promise<SaliencyWasmPlan> {
    for (const c of f.stem) if (c.kh !== c.kw) throw new Error('SaliencyWasmPlan: square stem kernels only');
    const l = new HeapLayout();
    const sh = miniXceptionShapes(f);
    const s = sh.size, ch = f.spec.input.channels, k = sh.k;
    const stem = f.stem.map((c) => l.conv(c)), stemT = f.stem.map((c) => l.conv(convInputGradWeights(c)));
    const head = l.conv(f.head), headT = l.conv(convInputGradWeights(f.head));
    const blocks = f.blocks.map((b) => ({
      shortcut: l.conv(b.shortcut), dw1: l.dw(b.dw1), pw1: l.pw(b.pw1), dw2: l.dw(b.dw2), pw2: l.pw(b.pw2),
      shortT: l.pw(transposePw(b.shortcut.w, b.shortcut.cin, b.shortcut.cout)),
      pw2T: l.pw(transposePw(b.pw2.w, b.pw2.cin, b.pw2.cout)), dw2R: l.dw(rotateDw(b.dw2)),
      pw1T: l.pw(transposePw(b.pw1.w, b.pw1.cin, b.pw1.cout)), dw1R: l.dw(rotateDw(b.dw1)),
    }));
    const kept = sh.blocks.map((b) => ({
      dw1: l.alloc(b.h * b.h * b.cin), a1: l.alloc(b.h * b.h * b.c), dw2: l.alloc(b.h * b.h * b.c), y: l.alloc(b.h * b.h * b.c),
      out: l.alloc(b.oh * b.oh * b.c),
    }));
    const last = sh.blocks[sh.blocks.length - 1];
    const buf = {
      input: l.alloc(s * s * ch), stem0: l.alloc(sh.stem0 * sh.stem0 * f.stem[0].cout), stem1: l.alloc(sh.stem1 * sh.stem1 * sh.c0),
      kept, headOut: l.alloc(last.oh * last.oh * k), logits: l.alloc(k),
      g: [0, 1, 2].map(() => l.alloc(Math.max(sh.maxActivation, s * s * ch))),
    };
    // One thread: the backward interleaves TypeScript steps with the kernels, so it is not a program.
    return new SaliencyWasmPlan(f, await l.build({ threads: 1 }), stem, stemT, head, headT, blocks, buf);
  }

  /** Forward of one face (pixels 0..255), keeping every activation; its logits (a copy). */
  private forward(pixels: Float32Array): Float32Array {
    const { f, m, buf } = this;
    const s = f.spec.input.size, ch = f.spec.input.channels;
    const inp = m.f32(buf.input, s * s * ch);
    for (let i = 0; i < inp.length; i++) inp[i] = pixels[i] * f.spec.input.scale + f.spec.input.offset;
    let x = conv2d(m, { ptr: buf.input, n: 1, h: s, w: s, c: ch }, this.stem[0], 1, 0, true, buf.stem0);
    x = conv2d(m, x, this.stem[1], 1, 0, true, buf.stem1);
    this.blocks.forEach((b, i) => {
      const kb = buf.kept[i];
      const a1 = pointwise(m, depthwise(m, x, b.dw1, 'none', kb.dw1), b.pw1, true, kb.a1);
      const y = pointwise(m, depthwise(m, a1, b.dw2, 'none', kb.dw2), b.pw2, false, kb.y);
      x = maxpoolAdd(m, y, conv2d(m, x, b.shortcut, 2, 0, false, kb.out), kb.out);
    });
    globalAvgPool(m, conv2d(m, x, this.head, 1, (this.head.kh - 1) >> 1, false, buf.headOut), buf.logits);
    return m.f32(buf.logits, this.head.cout).slice();
  }

  /** Guided ReLU backward in place: g = fwd > 0 && g > 0 ? g : 0. */
  private guided(g: number, fwd: number, count: number): void {
    const G = this.m.f32(g, count), F = this.m.f32(fwd, count);
    for (let i = 0; i < count; i++) if (!(F[i] > 0 && G[i] > 0)) G[i] = 0;
  }

  /** d logit_t / d normalised input of the face last run through forward(): [S, S] (channels summed). */
  private backward(t: number, out: Float32Array): void {
    const { f, m, buf } = this;
    const sh = miniXceptionShapes(f);
    const k = sh.k, last = sh.blocks[sh.blocks.length - 1], side = last.oh;
    const g0 = buf.g[0];
    // GAP backward: every head-output pixel gets 1/(h*w) on channel t; then the head conv's input gradient.
    const gh = m.f32(buf.headOut, side * side * k);
    gh.fill(0);
    for (let p = 0; p < side * side; p++) gh[p * k + t] = 1 / (side * side);
    let g = conv2d(m, { ptr: buf.headOut, n: 1, h: side, w: side, c: k }, this.headT, 1, this.head.kh - 1 - ((this.head.kh - 1) >> 1), false, g0);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const b = this.blocks[i], kb = buf.kept[i], bs = sh.blocks[i];
      const h = bs.h, oh = bs.oh, c = bs.c, cin = bs.cin;
      // Buffers: g (the pooled gradient, still read by the shortcut) and the other two, A and B.
      const [A, B] = this.others(g.ptr);
      // Max-pool backward: each pooled gradient goes to its window's first maximum of y.
      const gy = m.f32(A, h * h * c);
      gy.fill(0);
      const Y = m.f32(kb.y, h * h * c), G = m.f32(g.ptr, oh * oh * c);
      for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < oh; ox++) for (let ch = 0; ch < c; ch++) {
        let best = -Infinity, at = -1;
        for (let iy = Math.max(0, 2 * oy - 1); iy <= Math.min(h - 1, 2 * oy + 1); iy++) {
          for (let ix = Math.max(0, 2 * ox - 1); ix <= Math.min(h - 1, 2 * ox + 1); ix++) {
            const v = Y[(iy * h + ix) * c + ch];
            if (at < 0 || v > best) { best = v; at = (iy * h + ix) * c + ch; }
          }
        }
        gy[at] += G[(oy * oh + ox) * c + ch];
      }
      const map = (ptr: number, cc: number): WTensor => ({ ptr, n: 1, h, w: h, c: cc });
      // Main branch: pw2ᵀ, dw2 rotated, guided ReLU at a1, pw1ᵀ, dw1 rotated.
      depthwise(m, pointwise(m, map(A, c), b.pw2T, false, B), b.dw2R, 'none', A);
      this.guided(A, kb.a1, h * h * c);
      const gMain = depthwise(m, pointwise(m, map(A, c), b.pw1T, false, B), b.dw1R, 'none', A);
      // Shortcut 1x1/2: shortcutᵀ on the pooled gradient, scattered onto the even input pixels.
      pointwise(m, { ptr: g.ptr, n: 1, h: oh, w: oh, c }, b.shortT, false, B);
      const GM = m.f32(gMain.ptr, h * h * cin), GS = m.f32(B, oh * oh * cin);
      for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < oh; ox++) {
        const src = (oy * oh + ox) * cin, dst = (2 * oy * h + 2 * ox) * cin;
        for (let j = 0; j < cin; j++) GM[dst + j] += GS[src + j];
      }
      g = gMain;
    }
    // Stem: guided ReLUs at stem1 and stem0, the two convs' input gradients (valid 3x3: padding K-1).
    const [A, B] = this.others(g.ptr);
    this.guided(g.ptr, buf.stem1, sh.stem1 * sh.stem1 * sh.c0);
    const g1s = conv2d(m, g, this.stemT[1], 1, f.stem[1].kh - 1, false, A);
    this.guided(A, buf.stem0, sh.stem0 * sh.stem0 * f.stem[0].cout);
    const gx = conv2d(m, g1s, this.stemT[0], 1, f.stem[0].kh - 1, false, B);
    const ch = f.spec.input.channels, X = m.f32(gx.ptr, sh.size * sh.size * ch);
    for (let p = 0; p < sh.size * sh.size; p++) {
      let v = 0;
      for (let j = 0; j < ch; j++) v += X[p * ch + j];
      out[p] = v;
    }
  }

  /** The two gradient buffers other than `live`. */
  private others(live: number): [number, number] {
    const o = this.buf.g.filter((p) => p !== live);
    return [o[0], o[1]];
  }

  run(pixels: Float32Array, n: number, targets: Targets, flip: boolean): SaliencyOutput {
    const f = this.f, k = f.head.cout, s = f.spec.input.size, c = f.spec.input.channels, face = s * s * c;
    const logits = new Float32Array(n * k);
    for (let i = 0; i < n; i++) logits.set(this.forward(pixels.subarray(i * face, (i + 1) * face)), i * k);
    const probs = softmaxRef(logits, k);
    if (flip) {
      const mirrored = mirrorFaces(pixels, n, s, c);
      for (let i = 0; i < n; i++) {
        const pm = softmaxRef(this.forward(mirrored.subarray(i * face, (i + 1) * face)), k);
        for (let j = 0; j < k; j++) probs[i * k + j] = 0.5 * (probs[i * k + j] + pm[j]);
      }
    }
    const { chosen } = selectLogitsRef(probs, targets, n, k);
    const maps = new Float32Array(n * s * s);
    for (let i = 0; i < n; i++) {
      this.forward(pixels.subarray(i * face, (i + 1) * face));
      this.backward(chosen[i], maps.subarray(i * s * s, (i + 1) * s * s));
    }
    return { maps, probs, logits, targets: chosen };
  }
}
