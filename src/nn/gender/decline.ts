// Declining to judge gender (issue 16; docs/ARCHITECTURE.md 'Extra outputs'): a face gets no gender
// when it looks like a child (the age head's child bands) or when the model is unsure (its top
// probability under the weights' threshold). The same rule as `decide` in training/decline.py; the
// thresholds are the weights JSON's "decline", chosen on validation data, never set here.
import { type ModelSpec, outputGroups } from '../model-spec.js';

export type DeclineReason = 'child' | 'unsure';

/** A spec's "decline" resolved to columns of a classifyOutputs row. */
export interface DeclineRule {
  /** Top class probability under this: reason "unsure". */
  minProbability: number;
  /** Columns (in the full output row) of the child age bands, and the summed probability that declines. */
  child?: { columns: number[]; minProbability: number };
}

/** The spec's rule, or undefined when its JSON has none (then every face gets its arg-max). */
export function declineRule(spec: ModelSpec): DeclineRule | undefined {
  const d = spec.decline;
  if (!d) return undefined;
  const rule: DeclineRule = { minProbability: d.gender_min_probability };
  if (d.child_bands && d.child_min_probability !== undefined) {
    const age = outputGroups(spec).find(([g]) => g === 'age_band');
    const labels = spec.output_labels?.age_band;
    if (!age || !labels) throw new Error(`${spec.name}: "decline.child_bands" needs an "age_band" output`);
    rule.child = { columns: d.child_bands.map((b) => age[1] + labels.indexOf(b)), minProbability: d.child_min_probability };
  }
  return rule;
}

/**
 * Whether to decline one face. `row`: its output row (the K class probabilities first, then any
 * extra groups, as classifyOutputs answers; smoothed over a track in the camera pipeline).
 * Returns the reason, or undefined when the face gets its label.
 */
export function declineReason(row: ArrayLike<number>, k: number, rule: DeclineRule | undefined): DeclineReason | undefined {
  if (!rule) return undefined;
  if (rule.child) {
    let p = 0;
    for (const c of rule.child.columns) p += row[c];
    if (p >= rule.child.minProbability) return 'child';
  }
  let top = 0;
  for (let j = 0; j < k; j++) top = Math.max(top, row[j]);
  return top < rule.minProbability ? 'unsure' : undefined;
}

/** Plain words for a reason, for the overlay, the face list, the snapshot and the CLI's text. */
export function declineWords(reason: DeclineReason): string {
  return reason === 'child' ? 'looks under 13' : 'the model is unsure';
}

/** One sentence on what the rule is, for the gender switch's note. */
export function describeRule(rule: DeclineRule | undefined): string {
  if (!rule) return 'These weights carry no rule for declining: every face gets an estimate.';
  const unsure = `below ${Math.round(rule.minProbability * 100)} % certainty`;
  return rule.child
    ? `No gender is given for a face that looks under 13 or ${unsure}.`
    : `No gender is given ${unsure}. These weights have no age estimate, so children are not singled out.`;
}
