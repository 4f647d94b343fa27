// weights/<model>.json: what a weights file claims to be (docs/ARCHITECTURE.md 'Weights files').
// parseModelSpec checks every field and names the first wrong one; weights.ts then checks that the
// .safetensors tensors have exactly the shapes this spec implies.

export interface ModelInputSpec {
  /** H = W of the square face crop the network takes (48 for FER-2013). */
  size: number;
  /** 1 = grayscale. */
  channels: number;
  /** Network input = pixel * scale + offset, pixels 0..255. */
  scale: number;
  offset: number;
}

export interface ModelSpec {
  name: string;
  arch: 'mini-xception';
  input: ModelInputSpec;
  /** Filters of the two 3x3 stem convs. */
  stem: number;
  /** Output channels of the residual modules, one per module. */
  widths: number[];
  /** Class labels in logit order. */
  classes: string[];
  /** BatchNorm epsilon used when folding BN into the convs. */
  bn_eps: number;
  /** Average the softmax of the crop and its horizontal mirror. */
  flip_tta: boolean;
}

/** Smallest crop the two valid 3x3 stem convs leave at least 1x1 of. */
const MIN_SIZE = 5;
/** Sanity bounds: far beyond any real mini-Xception, well below a size that would exhaust memory. */
const MAX_SIZE = 4096;
const MAX_CHANNELS = 4096;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/**
 * Validate parsed JSON as a ModelSpec. Unknown keys are ignored (so the exporter can add
 * informational fields such as metrics); every known key is required and checked.
 */
export function parseModelSpec(json: unknown, source = 'model spec'): ModelSpec {
  if (!isRecord(json)) throw new Error(`${source}: expected a JSON object, got ${show(json)}`);
  const label = typeof json.name === 'string' && json.name ? `${source} "${json.name}"` : source;
  const fail = (field: string, want: string, got: unknown): never => {
    throw new Error(`${label}: "${field}" must be ${want}, got ${show(got)}`);
  };
  const int = (field: string, v: unknown, lo: number, hi: number): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : fail(field, `an integer in [${lo}, ${hi}]`, v);
  const finite = (field: string, v: unknown): number =>
    typeof v === 'number' && Number.isFinite(v) ? v : fail(field, 'a finite number', v);

  const name = typeof json.name === 'string' && json.name.length > 0 ? json.name : fail('name', 'a non-empty string', json.name);
  const arch = json.arch === 'mini-xception' ? json.arch : fail('arch', '"mini-xception"', json.arch);

  const inp = isRecord(json.input) ? json.input : fail('input', 'an object {size, channels, scale, offset}', json.input);
  const scale = finite('input.scale', inp.scale);
  if (scale === 0) fail('input.scale', 'non-zero', scale);
  const input: ModelInputSpec = {
    size: int('input.size', inp.size, MIN_SIZE, MAX_SIZE),
    channels: int('input.channels', inp.channels, 1, 4),
    scale,
    offset: finite('input.offset', inp.offset),
  };

  const stem = int('stem', json.stem, 1, MAX_CHANNELS);
  if (!Array.isArray(json.widths) || json.widths.length === 0) fail('widths', 'a non-empty array of channel counts', json.widths);
  const widths = (json.widths as unknown[]).map((w, i) => int(`widths[${i}]`, w, 1, MAX_CHANNELS));

  if (!Array.isArray(json.classes) || json.classes.length < 2) fail('classes', 'an array of at least 2 labels', json.classes);
  const classes = (json.classes as unknown[]).map((c, i) =>
    typeof c === 'string' && c.length > 0 ? c : fail(`classes[${i}]`, 'a non-empty string', c));
  const dup = classes.find((c, i) => classes.indexOf(c) !== i);
  if (dup !== undefined) fail('classes', 'distinct labels', `${dup} twice`);

  const bnEps = finite('bn_eps', json.bn_eps);
  if (!(bnEps > 0 && bnEps < 1)) fail('bn_eps', 'in (0, 1)', bnEps);
  const flipTta = typeof json.flip_tta === 'boolean' ? json.flip_tta : fail('flip_tta', 'true or false', json.flip_tta);

  return { name, arch, input, stem, widths, classes, bn_eps: bnEps, flip_tta: flipTta };
}
