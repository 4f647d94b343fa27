// The kernel prototypes of src/bench/proto/ compute what the CPU references compute, on odd map
// sizes (partial tiles at the right and bottom edges) and batch 2: buildProto checks and throws.
import { expect } from '@esm-bundle/chai';
import type { LayerDesc } from '../../src/bench/layers.js';
import { CONV_TILES, DW_TILES, PW_TILES, TAIL_TILES, type Tile, buildProto } from '../../src/bench/prototypes.js';
import { withDevice } from '../helpers/gpu.js';

const cases: { d: LayerDesc; tiles: readonly Tile[]; tail?: boolean }[] = [
  { d: { kind: 'conv2d', layer: 'conv 11x13x8→12', h: 11, w: 13, cin: 8, cout: 12, k: 3, stride: 1, pad: 0, relu: true }, tiles: CONV_TILES },
  { d: { kind: 'pointwise', layer: 'pw 5x7x8→24', h: 5, w: 7, cin: 8, cout: 24, relu: false }, tiles: PW_TILES },
  { d: { kind: 'depthwise', layer: 'dw 7x9x8', h: 7, w: 9, c: 8, relu: false }, tiles: DW_TILES },
  { d: { kind: 'maxpool-shortcut', layer: 'tail 9x11x16 (+8)', h: 9, w: 11, cin: 8, c: 16 }, tiles: TAIL_TILES, tail: true },
];

suite('bench prototypes vs CPU refs', () => {
  for (const { d, tiles, tail } of cases) {
    test(`${d.layer}, every tile, batch 2`, withDevice(async (device) => {
      for (const t of tiles) {
        const k = await buildProto(device, d, t, 2, true, tail);
        k.destroy();
      }
      expect(tiles.length).to.be.greaterThan(0);
    }));
  }
});
