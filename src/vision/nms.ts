// Greedy non-maximum suppression on the CPU, for per-frame detector output. Boxes live as rows of
// a Float32Array (x, y, w, h at `box`, score at `score`, `stride` floats per row), so the decoder
// can hand over its candidate buffer as is; with a `dst` of at least `count` entries a call
// allocates nothing.

export interface NmsOptions {
  /** Floats per row. */
  stride: number;
  /** Offset of x, y, w, h in a row. Default 0. */
  box?: number;
  /** Offset of the score in a row. */
  score: number;
  /** A box is dropped when its IoU with a kept, higher-scoring box exceeds this. */
  iou: number;
  /** Keep at most this many boxes. Default: all. */
  topK?: number;
}

/** IoU of the boxes (x, y, w, h) at rows a and b. */
export function rowIoU(d: Float32Array, a: number, b: number, stride: number, box = 0): number {
  const ia = a * stride + box, ib = b * stride + box;
  const ax2 = d[ia] + d[ia + 2], ay2 = d[ia + 1] + d[ia + 3];
  const bx2 = d[ib] + d[ib + 2], by2 = d[ib + 1] + d[ib + 3];
  const iw = Math.min(ax2, bx2) - Math.max(d[ia], d[ib]);
  const ih = Math.min(ay2, by2) - Math.max(d[ia + 1], d[ib + 1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = d[ia + 2] * d[ia + 3] + d[ib + 2] * d[ib + 3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Rows kept by greedy NMS, best score first (ties: lower row first), as a view of `dst` (made
 * when absent or too short). Like OpenCV's NMSBoxes with eta = 1, on float boxes.
 */
export function nms(data: Float32Array, count: number, o: NmsOptions, dst?: Int32Array): Int32Array {
  const order = dst && dst.length >= count ? dst : new Int32Array(count);
  const s = o.score, st = o.stride, box = o.box ?? 0, topK = o.topK ?? count;
  for (let i = 0; i < count; i++) order[i] = i;
  const view = order.subarray(0, count);
  view.sort((a, b) => data[b * st + s] - data[a * st + s] || a - b);
  // Compact the kept rows to the front in place: kept ≤ visited, so nothing unread is overwritten.
  let kept = 0;
  for (let i = 0; i < count && kept < topK; i++) {
    const r = view[i];
    let ok = true;
    for (let j = 0; j < kept; j++) {
      if (rowIoU(data, r, view[j], st, box) > o.iou) { ok = false; break; }
    }
    if (ok) view[kept++] = r;
  }
  return order.subarray(0, kept);
}
