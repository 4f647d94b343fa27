// Prototype kernel cases (src/bench/proto/) timed next to the shipped kernels on the model's own
// layers. Each is checked against the CPU reference (src/kernels/*.ref.ts) before it is timed: a
// prototype that computes something else is skipped, not reported.
import { readFloats, storageBuffer } from '../gpu/buffers.js';
import { conv2dRef } from '../kernels/conv2d.ref.js';
import { depthwiseConv2dRef } from '../kernels/depthwise-conv2d.ref.js';
import { maxpoolShortcutAddRef } from '../kernels/maxpool-add.ref.js';
import { pointwiseConv2dRef } from '../kernels/pointwise-conv2d.ref.js';
import { tensor } from '../kernels/tensor.js';
import type { FoldedMiniXception } from '../nn/mini-xception/folded.js';
import { type KernelCase, buildKernel, randomConvW, randomDwW, randomPwW } from './kernel-cases.js';
import { type LayerDesc, layerBytes, layerFlops, layerShape, modelLayers, poolOut } from './layers.js';
import { type ConvTile, type Dispatchable, type DwTile, type TailTile, convTiled, dwTiled, tailTiled } from './proto/tiled.js';
import { maxAbsDiff, seededUniform } from './stats.js';

export const CONV_TILES: ConvTile[] = [{ px: 4, co4: 3 }, { px: 8, co4: 3 }];
export const PW_TILES: ConvTile[] = [{ px: 8, co4: 2 }, { px: 8, co4: 4 }];
export const DW_TILES: DwTile[] = [{ tx: 4, ty: 1 }, { tx: 4, ty: 2 }, { tx: 8, ty: 2 }, { tx: 4, ty: 4 }];
export const TAIL_TILES: TailTile[] = [{ px: 2, co4: 2 }, { px: 4, co4: 2 }];

export type Tile = ConvTile | DwTile | TailTile;

/** Builds a prototype for layer d at batch n on random data; with `verify`, checks it against the ref first. */
export async function buildProto(device: GPUDevice, d: LayerDesc, tile: Tile, n: number, verify: boolean, tail = false): Promise<Dispatchable> {
  if (tail && d.kind === 'maxpool-shortcut' && 'px' in tile) return buildTailProto(device, d, tile, n, verify);
  let inFloats: number, outFloats: number, make: (io: { x: GPUBuffer; y: GPUBuffer }) => Promise<Dispatchable>, ref: (x: Float32Array) => Float32Array;
  if (d.kind === 'conv2d' && 'px' in tile) {
    const w = randomConvW(d.k, d.cin, d.cout);
    const oh = d.h - d.k + 1, ow = d.w - d.k + 1;
    inFloats = n * d.h * d.w * d.cin; outFloats = n * oh * ow * d.cout;
    make = (io) => convTiled(device, w, d.h, d.w, d.relu, tile, io, n);
    ref = (x) => conv2dRef(tensor([n, d.h, d.w, d.cin], x), w, { stride: 1, pad: 0, relu: d.relu }).data;
  } else if (d.kind === 'pointwise' && 'px' in tile) {
    const pw = randomPwW(d.cin, d.cout);
    const hw = d.h * d.w;
    inFloats = n * hw * d.cin; outFloats = n * hw * d.cout;
    make = (io) => convTiled(device, { ...pw, kh: 1, kw: 1 }, 1, hw, d.relu, tile, io, n);
    ref = (x) => pointwiseConv2dRef(tensor([n, d.h, d.w, d.cin], x), pw, d.relu).data;
  } else if (d.kind === 'depthwise' && 'tx' in tile) {
    const dw = randomDwW(d.c);
    inFloats = outFloats = n * d.h * d.w * d.c;
    make = (io) => dwTiled(device, dw, d.h, d.w, d.relu, tile, io, n);
    ref = (x) => depthwiseConv2dRef(tensor([n, d.h, d.w, d.c], x), dw, d.relu).data;
  } else {
    throw new Error(`no prototype for ${d.kind} with this tile`);
  }
  const xs = seededUniform(inFloats, 11, -1, 1);
  const x = storageBuffer(device, 'proto.x', xs);
  const y = storageBuffer(device, 'proto.y', new Float32Array(outFloats).fill(NaN));
  const k = await make({ x, y });
  if (verify) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    k.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const diff = maxAbsDiff(await readFloats(device, y, outFloats), ref(xs));
    if (!(diff <= 1e-4)) {
      k.destroy(); x.destroy(); y.destroy();
      throw new Error(`prototype ${d.layer} differs from the reference by ${diff}`);
    }
  }
  return { encode: k.encode, destroy: () => { k.destroy(); x.destroy(); y.destroy(); } };
}

async function buildTailProto(device: GPUDevice, d: Extract<LayerDesc, { kind: 'maxpool-shortcut' }>, t: TailTile, n: number, verify: boolean): Promise<Dispatchable> {
  const sc = randomConvW(1, d.cin, d.c);
  const ys = seededUniform(n * d.h * d.w * d.c, 12, -1, 1);
  const xs = seededUniform(n * d.h * d.w * d.cin, 13, -1, 1);
  const outFloats = n * poolOut(d.h) * poolOut(d.w) * d.c;
  const y = storageBuffer(device, 'proto.y', ys);
  const x = storageBuffer(device, 'proto.x', xs);
  const out = storageBuffer(device, 'proto.out', new Float32Array(outFloats).fill(NaN));
  const k = await tailTiled(device, sc, d.h, d.w, t, { y, x, out }, n);
  const destroy = () => { k.destroy(); x.destroy(); y.destroy(); out.destroy(); };
  if (verify) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    k.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const want = maxpoolShortcutAddRef(tensor([n, d.h, d.w, d.c], ys), tensor([n, d.h, d.w, d.cin], xs), sc).data;
    const diff = maxAbsDiff(await readFloats(device, out, outFloats), want);
    if (!(diff <= 1e-4)) { destroy(); throw new Error(`prototype ${d.layer} differs from the reference by ${diff}`); }
  }
  return { encode: k.encode, destroy };
}

const tileName = (t: Tile, kind: LayerDesc['kind']) => (kind === 'depthwise' && 'tx' in t ? `${t.tx}×${t.ty}px×4ch` : 'px' in t ? `${t.px}px×${t.co4 * 4}ch` : '?');
const shortKind: Partial<Record<LayerDesc['kind'], string>> = { depthwise: 'dw', pointwise: 'pw', conv2d: 'conv3x3', 'maxpool-shortcut': 'tail' };

/** Every prototype variant of every model layer it applies to, at batch n. */
export function PROTOTYPE_CASES(f: FoldedMiniXception, n: number): KernelCase[] {
  const out: KernelCase[] = [];
  for (const d of modelLayers(f)) {
    const tiles: Tile[] =
      d.kind === 'conv2d' && d.cin % 4 === 0 && d.pad === 0 && d.stride === 1 ? CONV_TILES
        : d.kind === 'pointwise' ? PW_TILES
          : d.kind === 'depthwise' ? DW_TILES
            : d.kind === 'maxpool-shortcut' ? TAIL_TILES : [];
    for (const t of tiles) {
      out.push({
        kernel: `proto ${shortKind[d.kind]} ${tileName(t, d.kind)}`,
        layer: d.layer, shape: layerShape(d), batch: n,
        flops: layerFlops(d) * n, bytes: layerBytes(d, n), inModel: false,
        build: (device) => buildProto(device, d, t, n, n === 1, d.kind === 'maxpool-shortcut'),
      });
    }
  }
  return out;
}

export interface ProtoChoice {
  conv: ConvTile;
  /** null: keep the shipped pointwise kernel (no tile measured a steady gain over it). */
  pw: ConvTile | null;
  dw: DwTile;
  tail: TailTile;
}

/** The tiles docs/benchmarks.md recommends (steady gains by min time on SwiftShader at batch 1 and 32). */
export const RECOMMENDED: ProtoChoice = { conv: { px: 4, co4: 3 }, pw: null, dw: { tx: 4, ty: 4 }, tail: { px: 2, co4: 2 } };

/**
 * The whole forward pass with the prototypes of `choice` in place of the shipped stem1 conv,
 * depthwise, pointwise and tail kernels (stem0 and the head stay shipped): GPU time to compare
 * with the shipped 'whole pass' row of the same run. Each layer has its own buffers, as there.
 */
export function protoPassCase(f: FoldedMiniXception, n: number, choice: ProtoChoice = RECOMMENDED): KernelCase {
  const layers = modelLayers(f);
  return {
    kernel: 'whole pass (prototypes)', layer: 'all model dispatches', shape: `${layers.length} dispatches`, batch: n,
    flops: 0, bytes: layers.reduce((a, d) => a + layerBytes(d, n), 0), inModel: false,
    async build(device) {
      const ks = await Promise.all(layers.map((d) => {
        if (d.kind === 'conv2d' && d.cin % 4 === 0) return buildProto(device, d, choice.conv, n, false);
        if (d.kind === 'pointwise' && choice.pw) return buildProto(device, d, choice.pw, n, false);
        if (d.kind === 'depthwise') return buildProto(device, d, choice.dw, n, false);
        if (d.kind === 'maxpool-shortcut') return buildProto(device, d, choice.tail, n, false, true);
        return buildKernel(device, d, n);
      }));
      return { encode: (pass) => { for (const k of ks) k.encode(pass); }, destroy: () => { for (const k of ks) k.destroy(); } };
    },
  };
}
