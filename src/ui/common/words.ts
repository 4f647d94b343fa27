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
