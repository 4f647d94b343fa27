// Plain words for the model's class names, so sentences read as English ("look surprised", not
// "look surprise"). Unknown labels pass through unchanged.
const ADJECTIVE: Record<string, string> = {
  angry: 'angry',
  disgust: 'disgusted',
  fear: 'afraid',
  happy: 'happy',
  sad: 'sad',
  surprise: 'surprised',
  neutral: 'neutral',
};

/** 'surprise' → 'surprised', 'fear' → 'afraid': the word that follows "looks". */
export function emotionAdjective(label: string): string {
  return ADJECTIVE[label] ?? label;
}

/** "1 face", "3 faces". */
export function faces(n: number): string {
  return `${n} face${n === 1 ? '' : 's'}`;
}

/** A gender estimate as the overlay, the face list and the snapshot show it. */
export interface GenderShown {
  /** null: declined ("not estimated"). */
  label: string | null;
  /** The top class's probability (when labelled). */
  p: number;
  reason?: 'child' | 'unsure';
}

const DECLINED: Record<string, string> = { child: 'looks under 13', unsure: 'model unsure' };

/** "female 82%", or "gender not estimated (looks under 13)" when the model declined. */
export function genderText(g: GenderShown, pct: (p: number) => string = (p) => `${Math.round(p * 100)}%`): string {
  if (g.label === null) return `gender not estimated (${DECLINED[g.reason ?? 'unsure']})`;
  return `${g.label} ${pct(g.p)}`;
}

/** GenderShown from a face's estimate: the label's probability, or the top one when declined. */
export function genderShown(g: { label: string | null; probs: Record<string, number>; reason?: 'child' | 'unsure' }): GenderShown {
  const p = g.label !== null ? g.probs[g.label] ?? 0 : Math.max(0, ...Object.values(g.probs));
  return { label: g.label, p, ...(g.reason ? { reason: g.reason } : {}) };
}
