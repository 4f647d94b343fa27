// Kernel prototypes for the analysis in docs/benchmarks.md: register-tiled variants of the shipped
// conv2d (3x3 'valid', Cin by vec4), pointwise and depthwise kernels. Not used by the app.
//
// Why: on SwiftShader every storage-buffer access is a bounds-checked per-lane gather, about ten
// times the cost of a vec4 FMA (measured: the copy kernel moves ~1 GB/s, buffer copies ~8-19 GB/s,
// FMA chains ~5.5 GFLOP/s). A kernel's speed there follows its FMAs per vec4 load:
//   shipped pointwise 4 px x 8 ch: 12 loads / 32 FMAs per Cin/4 step (2.7); depthwise 4 px: 27 / 36 (1.3).
// These generators widen the per-invocation tile (more pixels, more output channels, more rows) so
// each loaded vec4 feeds more FMAs, and unroll the 3x3 taps with compile-time bounds.
//
// WGSL is generated from a template (accumulators are plain variables: SwiftShader keeps function-
// scope arrays in memory), unlike the shipped kernels' static WGSL + overrides: a prototype can pay
// that price; a kernel adopted from here would become a static file with a fixed tile.
import { bindBuffers, packParams, storageBuffer, uniformBuffer } from '../../gpu/buffers.js';
import { computePipeline } from '../../gpu/pipeline-cache.js';
import type { ConvW, DwW } from '../../nn/mini-xception/folded.js';

const WG_SIZE = 64;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export interface ConvTile {
  /** Output pixels per invocation, consecutive along x. */
  px: number;
  /** Output vec4 channel groups per invocation. */
  co4: number;
}

/**
 * Dense KxK conv, stride 1, 'valid', Cin and Cout multiples of 4, bias + optional ReLU; a 1x1 conv
 * (pointwise) is the case K = 1 on a 1 x (H*W) map. One invocation: tile.px pixels x tile.co4 vec4s.
 * Weights [K,K,Cin,CoutPad] with CoutPad a multiple of 4*co4 (zeros past Cout).
 */
export function convTiledWgsl(k: number, t: ConvTile, relu: boolean): string {
  const P = range(t.px), C = range(t.co4);
  const acc = P.flatMap((j) => C.map((c) => `  var a${j}_${c} = bias[co + ${c}];`)).join('\n');
  const taps: string[] = [];
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      taps.push(`  {
    let row = (n * p.h + oy + ${ky}) * p.w;
${P.map((j) => `    let q${j} = (row + min(ox + ${j + kx}, p.w - 1)) * p.cin4;`).join('\n')}
    var r = ${(ky * k + kx)} * p.cin4 * 4 * p.cp4 + co;
    for (var k = 0; k < p.cin4; k++) {
${P.map((j) => `      let x${j} = x[q${j} + k];`).join('\n')}
${C.map((c) => `      let w${c}0 = wt[r + ${c}]; let w${c}1 = wt[r + p.cp4 + ${c}]; let w${c}2 = wt[r + 2 * p.cp4 + ${c}]; let w${c}3 = wt[r + 3 * p.cp4 + ${c}];`).join('\n')}
${P.flatMap((j) => C.map((c) => `      a${j}_${c} += x${j}.x * w${c}0 + x${j}.y * w${c}1 + x${j}.z * w${c}2 + x${j}.w * w${c}3;`)).join('\n')}
      r += 4 * p.cp4;
    }
  }`);
    }
  }
  const act = relu ? 'max(v, vec4f(0.0))' : 'v';
  const stores = P.map((j) => `  if (ox + ${j} < p.ow) {
    let o = ((n * p.oh + oy) * p.ow + ox + ${j}) * p.cout4 + co;
${C.map((c) => `    if (co + ${c} < p.cout4) { y[o + ${c}] = act(a${j}_${c}); }`).join('\n')}
  }`).join('\n');
  return `// generated: conv ${k}x${k} valid, tile ${t.px} px x ${t.co4 * 4} ch
struct Params { h: i32, w: i32, oh: i32, ow: i32, cin4: i32, cout4: i32, cp4: i32, xblocks: i32 }
@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> p: Params;
override WG_SIZE: u32 = 64;
fn act(v: vec4f) -> vec4f { return ${act}; }
@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = p.cp4 / ${t.co4};
  let i = i32(gid.x);
  let co = (i % groups) * ${t.co4};
  let bx = (i / groups) % p.xblocks;
  let oy = i / (groups * p.xblocks);
  if (oy >= p.oh) { return; }
  let n = i32(gid.y);
  let ox = bx * ${t.px};
${acc}
${taps.join('\n')}
${stores}
}
`;
}

export interface DwTile {
  /** Output pixels per invocation along x, and rows. */
  tx: number;
  ty: number;
}

/** Depthwise 3x3, stride 1, zero pad 1, C a multiple of 4, optional ReLU; one invocation: tx x ty pixels x 4 channels. */
export function dwTiledWgsl(t: DwTile, relu: boolean): string {
  const X = range(t.tx), Y = range(t.ty), V = range(t.tx + 2);
  const lines: string[] = [];
  for (let ir = 0; ir < t.ty + 2; ir++) {
    const uses = Y.filter((r) => ir - r >= 0 && ir - r <= 2);
    lines.push(`  {
    let iy = oy + ${ir - 1};
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
${V.map((v) => `    let v${v} = tap(row, ox + ${v - 1}, cq, rowOk);`).join('\n')}
${uses.flatMap((r) => X.map((j) => `    a${r}_${j} += v${j} * w${ir - r}0 + v${j + 1} * w${ir - r}1 + v${j + 2} * w${ir - r}2;`)).join('\n')}
  }`);
  }
  const act = relu ? 'max(v, vec4f(0.0))' : 'v';
  return `// generated: depthwise 3x3 same, tile ${t.tx} x ${t.ty} px x 4 ch
struct Params { h: i32, w: i32, c4: i32, xblocks: i32 }
@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> wt: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> p: Params;
override WG_SIZE: u32 = 64;
fn act(v: vec4f) -> vec4f { return ${act}; }
fn tap(row: i32, ix: i32, cq: i32, rowOk: bool) -> vec4f {
  let ok = rowOk && ix >= 0 && ix < p.w;
  return select(vec4f(0.0), x[select(0, (row + ix) * p.c4 + cq, ok)], ok);
}
@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = i32(gid.x);
  let cq = i % p.c4;
  let bx = (i / p.c4) % p.xblocks;
  let oy = (i / (p.c4 * p.xblocks)) * ${t.ty};
  if (oy >= p.h) { return; }
  let n = i32(gid.y);
  let ox = bx * ${t.tx};
${[0, 1, 2].map((ky) => [0, 1, 2].map((kx) => `  let w${ky}${kx} = wt[${ky * 3 + kx} * p.c4 + cq];`).join('\n')).join('\n')}
${Y.flatMap((r) => X.map((j) => `  var a${r}_${j} = vec4f(0.0);`)).join('\n')}
${lines.join('\n')}
${Y.map((r) => `  if (oy + ${r} < p.h) {
    let o = ((n * p.h + oy + ${r}) * p.w + ox) * p.c4 + cq;
${X.map((j) => `    if (ox + ${j} < p.w) { y[o + ${j} * p.c4] = act(a${r}_${j}); }`).join('\n')}
  }`).join('\n')}
}
`;
}

export interface Dispatchable {
  encode(pass: GPUComputePassEncoder): void;
  destroy(): void;
}

/** A conv prototype on existing x/y buffers for n faces (h x w input, 'valid'). */
export async function convTiled(device: GPUDevice, w: ConvW, h: number, wd: number, relu: boolean, t: ConvTile,
  io: { x: GPUBuffer; y: GPUBuffer }, n: number): Promise<Dispatchable> {
  if (w.cin % 4 || w.cout % 4) throw new Error('convTiled: Cin and Cout must be multiples of 4');
  const oh = h - w.kh + 1, ow = wd - w.kw + 1;
  const cp4 = Math.ceil(w.cout / 4 / t.co4) * t.co4;
  const wp = new Float32Array(w.kh * w.kw * w.cin * cp4 * 4);
  for (let r = 0; r < w.kh * w.kw * w.cin; r++) wp.set(w.w.subarray(r * w.cout, (r + 1) * w.cout), r * cp4 * 4);
  const bp = new Float32Array(cp4 * 4);
  bp.set(w.b);
  const pipeline = await computePipeline(device, { label: 'ConvTiled.pipeline', code: convTiledWgsl(w.kh, t, relu), entryPoint: 'main', constants: { WG_SIZE } });
  const xblocks = Math.ceil(ow / t.px);
  const wbuf = storageBuffer(device, 'ConvTiled.weights', wp);
  const bbuf = storageBuffer(device, 'ConvTiled.bias', bp);
  const params = uniformBuffer(device, 'ConvTiled.params', packParams([h, wd, oh, ow, w.cin / 4, w.cout / 4, cp4, xblocks]));
  const bg = bindBuffers(device, 'ConvTiled.bindGroup', pipeline, [io.x, wbuf, bbuf, io.y, params]);
  const groups = Math.ceil((oh * xblocks * (cp4 / t.co4)) / WG_SIZE);
  return {
    encode: (pass) => { pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(groups, n); },
    destroy: () => { wbuf.destroy(); bbuf.destroy(); params.destroy(); },
  };
}

/** A depthwise prototype on existing x/y buffers for n faces. */
export async function dwTiled(device: GPUDevice, w: DwW, h: number, wd: number, relu: boolean, t: DwTile,
  io: { x: GPUBuffer; y: GPUBuffer }, n: number): Promise<Dispatchable> {
  if (w.c % 4) throw new Error('dwTiled: C must be a multiple of 4');
  const pipeline = await computePipeline(device, { label: 'DwTiled.pipeline', code: dwTiledWgsl(t, relu), entryPoint: 'main', constants: { WG_SIZE } });
  const xblocks = Math.ceil(wd / t.tx);
  const wbuf = storageBuffer(device, 'DwTiled.weights', w.w);
  const params = uniformBuffer(device, 'DwTiled.params', packParams([h, wd, w.c / 4, xblocks]));
  const bg = bindBuffers(device, 'DwTiled.bindGroup', pipeline, [io.x, wbuf, io.y, params]);
  const groups = Math.ceil((Math.ceil(h / t.ty) * xblocks * (w.c / 4)) / WG_SIZE);
  return {
    encode: (pass) => { pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(groups, n); },
    destroy: () => { wbuf.destroy(); params.destroy(); },
  };
}

export interface TailTile {
  /** Output pixels per invocation along x, and vec4 channel groups. */
  px: number;
  co4: number;
}

/**
 * Residual tail, out = maxpool3x3/2 pad 1 (-inf)(y) + conv1x1/2(x) + bs; one invocation: px output
 * pixels along x x co4 vec4 channel groups, so the shortcut's x loads are shared by co4 groups and
 * its weight loads by px pixels, and neighbouring pool windows share their common column.
 */
export function tailTiledWgsl(t: TailTile): string {
  const P = range(t.px), C = range(t.co4), T = range(2 * t.px + 1);
  const pool: string[] = [];
  for (let ky = 0; ky < 3; ky++) {
    pool.push(`  {
    let iy = 2 * oy + ${ky - 1};
    let rowOk = iy >= 0 && iy < p.h;
    let row = (n * p.h + iy) * p.w;
${T.map((tt) => `    let ok${tt} = rowOk && 2 * ox + ${tt - 1} >= 0 && 2 * ox + ${tt - 1} < p.w;
${C.map((c) => `    let v${tt}_${c} = select(NEG, y[select(0, (row + 2 * ox + ${tt - 1}) * p.c4 + co + ${c}, ok${tt})], ok${tt});`).join('\n')}`).join('\n')}
${P.flatMap((j) => C.map((c) => `    m${j}_${c} = max(m${j}_${c}, max(v${2 * j}_${c}, max(v${2 * j + 1}_${c}, v${2 * j + 2}_${c})));`)).join('\n')}
  }`);
  }
  return `// generated: maxpool3x3/2 + shortcut 1x1/2 + add, tile ${t.px} px x ${t.co4 * 4} ch
struct Params { h: i32, w: i32, oh: i32, ow: i32, c4: i32, cin4: i32, xblocks: i32, _pad: i32 }
@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read> ws: array<vec4f>;
@group(0) @binding(3) var<storage, read> bs: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(5) var<uniform> p: Params;
override WG_SIZE: u32 = 64;
const NEG = vec4f(-3.402823e38);
@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let groups = p.c4 / ${t.co4};
  let i = i32(gid.x);
  let co = (i % groups) * ${t.co4};
  let bx = (i / groups) % p.xblocks;
  let oy = i / (groups * p.xblocks);
  if (oy >= p.oh) { return; }
  let n = i32(gid.y);
  let ox = bx * ${t.px};
${P.flatMap((j) => C.map((c) => `  var r${j}_${c} = bs[co + ${c}];\n  var m${j}_${c} = NEG;`)).join('\n')}
${P.map((j) => `  let q${j} = ((n * p.h + 2 * oy) * p.w + 2 * min(ox + ${j}, p.ow - 1)) * p.cin4;`).join('\n')}
  var k = co;
  for (var j = 0; j < p.cin4; j++) {
${P.map((jj) => `    let x${jj} = src[q${jj} + j];`).join('\n')}
${C.map((c) => `    let w${c}0 = ws[k + ${c}]; let w${c}1 = ws[k + p.c4 + ${c}]; let w${c}2 = ws[k + 2 * p.c4 + ${c}]; let w${c}3 = ws[k + 3 * p.c4 + ${c}];`).join('\n')}
${P.flatMap((jj) => C.map((c) => `    r${jj}_${c} += x${jj}.x * w${c}0 + x${jj}.y * w${c}1 + x${jj}.z * w${c}2 + x${jj}.w * w${c}3;`)).join('\n')}
    k += 4 * p.c4;
  }
${pool.join('\n')}
${P.map((j) => `  if (ox + ${j} < p.ow) {
    let o = ((n * p.oh + oy) * p.ow + ox + ${j}) * p.c4 + co;
${C.map((c) => `    out[o + ${c}] = m${j}_${c} + r${j}_${c};`).join('\n')}
  }`).join('\n')}
}
`;
}

/** A tail prototype: y [n,h,w,C] pre-pool, x [n,h,w,Cin], shortcut 1x1 Cin->C; out [n,oh,ow,C]. */
export async function tailTiled(device: GPUDevice, shortcut: ConvW, h: number, wd: number, t: TailTile,
  io: { y: GPUBuffer; x: GPUBuffer; out: GPUBuffer }, n: number): Promise<Dispatchable> {
  const c4 = shortcut.cout / 4;
  if (shortcut.cin % 4 || shortcut.cout % 4 || c4 % t.co4) throw new Error('tailTiled: Cin, Cout multiples of 4 and Cout/4 a multiple of co4');
  const oh = Math.floor((h - 1) / 2) + 1, ow = Math.floor((wd - 1) / 2) + 1;
  const pipeline = await computePipeline(device, { label: 'TailTiled.pipeline', code: tailTiledWgsl(t), entryPoint: 'main', constants: { WG_SIZE } });
  const xblocks = Math.ceil(ow / t.px);
  const ws = storageBuffer(device, 'TailTiled.weights', shortcut.w);
  const bs = storageBuffer(device, 'TailTiled.bias', shortcut.b);
  const params = uniformBuffer(device, 'TailTiled.params', packParams([h, wd, oh, ow, c4, shortcut.cin / 4, xblocks, 0]));
  const bg = bindBuffers(device, 'TailTiled.bindGroup', pipeline, [io.y, io.x, ws, bs, io.out, params]);
  const groups = Math.ceil((oh * xblocks * (c4 / t.co4)) / WG_SIZE);
  return {
    encode: (pass) => { pass.setPipeline(pipeline); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(groups, n); },
    destroy: () => { ws.destroy(); bs.destroy(); params.destroy(); },
  };
}
