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
  /**
   * Extra outputs (docs/ARCHITECTURE.md 'Extra outputs'): head logit ranges [start, end) per group,
   * the group at 0 being `classes`. Absent: the head is the classes alone.
   */
  outputs?: Record<string, [number, number]>;
  /** Labels of every group but the classes' (the gender model's "age_band"). */
  output_labels?: Record<string, string[]>;
  /** When to give no class at all (the gender model's "not estimated"): src/nn/gender/decline.ts. */
  decline?: DeclineSpec;
}

/** weights/gender.json "decline": a face gets no label when a child, or when the model is unsure. */
export interface DeclineSpec {
  /** Top class probability under this: no label, reason "unsure". */
  gender_min_probability: number;
  /** Age-band labels (of output_labels.age_band) that count as a child; needs the age head. */
  child_bands?: string[];
  /** Summed probability of child_bands at or above this: no label, reason "child". */
  child_min_probability?: number;
}

/** Logits the head conv writes: the end of the last output group, else one per class. */
export function headWidth(spec: ModelSpec): number {
  return spec.outputs ? Math.max(...Object.values(spec.outputs).map(([, e]) => e)) : spec.classes.length;
}

/** Output groups in head order, the classes' first (one group of the classes when there are no extras). */
export function outputGroups(spec: ModelSpec): [string, number, number][] {
  if (!spec.outputs) return [[spec.name, 0, spec.classes.length]];
  return Object.entries(spec.outputs).map(([g, [a, b]]): [string, number, number] => [g, a, b]).sort((x, y) => x[1] - y[1]);
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

  const spec: ModelSpec = { name, arch, input, stem, widths, classes, bn_eps: bnEps, flip_tta: flipTta };
  if (json.outputs !== undefined) {
    Object.assign(spec, parseOutputs(json.outputs, json.output_labels, classes.length, fail));
  }
  if (json.decline !== undefined) spec.decline = parseDecline(json.decline, spec.output_labels?.age_band, fail);
  return spec;
}

type Fail = (field: string, want: string, got: unknown) => never;

/** "outputs" + "output_labels": contiguous groups from 0, the first being the classes, every other one labelled. */
function parseOutputs(outputs: unknown, labels: unknown, k: number, fail: Fail): Pick<ModelSpec, 'outputs' | 'output_labels'> {
  if (!isRecord(outputs) || Object.keys(outputs).length === 0) fail('outputs', 'an object of {group: [start, end]}', outputs);
  const groups = Object.entries(outputs as Record<string, unknown>).map(([g, r]): [string, number, number] => {
    const ok = Array.isArray(r) && r.length === 2 && r.every((v) => Number.isInteger(v)) && (r[0] as number) >= 0 && (r[1] as number) > (r[0] as number);
    if (!ok) fail(`outputs.${g}`, 'a range [start, end) with 0 <= start < end', r);
    return [g, (r as number[])[0], (r as number[])[1]];
  }).sort((a, b) => a[1] - b[1]);
  groups.forEach(([g, a], i) => {
    const want = i === 0 ? 0 : groups[i - 1][2];
    if (a !== want) fail(`outputs.${g}`, `to start at ${want} (groups are contiguous from 0)`, a);
  });
  if (groups[0][2] !== k) fail(`outputs.${groups[0][0]}`, `the classes' range [0, ${k})`, [groups[0][1], groups[0][2]]);
  if (groups[groups.length - 1][2] > MAX_CHANNELS) fail('outputs', `at most ${MAX_CHANNELS} logits`, groups[groups.length - 1][2]);
  const lab = labels === undefined ? {} : isRecord(labels) ? labels : fail('output_labels', 'an object of {group: [labels]}', labels);
  const output_labels: Record<string, string[]> = {};
  for (const [g, a, b] of groups.slice(1)) {
    const l = lab[g];
    if (!Array.isArray(l) || l.length !== b - a || !l.every((x) => typeof x === 'string' && x)) {
      fail(`output_labels.${g}`, `${b - a} non-empty labels (outputs.${g} is [${a}, ${b}))`, l);
    }
    output_labels[g] = [...(l as string[])];
  }
  return { outputs: Object.fromEntries(groups.map(([g, a, b]) => [g, [a, b]])), output_labels };
}

function parseDecline(d: unknown, ageBands: string[] | undefined, fail: Fail): DeclineSpec {
  if (!isRecord(d)) fail('decline', 'an object {gender_min_probability[, child_bands, child_min_probability]}', d);
  const rule = d as Record<string, unknown>;
  const prob = (field: string, v: unknown): number =>
    typeof v === 'number' && v >= 0 && v <= 1 ? v : fail(`decline.${field}`, 'a probability in [0, 1]', v);
  const out: DeclineSpec = { gender_min_probability: prob('gender_min_probability', rule.gender_min_probability) };
  if (rule.child_bands === undefined && rule.child_min_probability === undefined) return out;
  if (!ageBands) fail('decline.child_bands', 'used only with an "age_band" output (the age head)', rule.child_bands);
  const bands = Array.isArray(rule.child_bands) && rule.child_bands.length > 0 ? rule.child_bands : fail('decline.child_bands', 'a non-empty list of age bands', rule.child_bands);
  for (const b of bands) if (!ageBands!.includes(b as string)) fail('decline.child_bands', `bands of output_labels.age_band (${ageBands!.join(', ')})`, b);
  return { ...out, child_bands: bands as string[], child_min_probability: prob('child_min_probability', rule.child_min_probability) };
}
