/**
 * What the waiting-room display says for a call, as text and as the sequence of recorded word clips
 * (queue-display/audio/<clip>.ogg, made by scripts/make-voice-clips.sh). Pure, so it is unit-tested.
 *
 *   callPhrase('B-003', 'Loket 2') -> "nomor antrian B nol nol tiga, silakan ke loket dua"
 */
const DIGIT_WORDS = ['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'] as const;

export const PHRASE_CLIPS = ['nomor-antrian', 'silakan-ke-loket'] as const;
export const NUMBER_CLIPS = [...DIGIT_WORDS, 'sepuluh', 'sebelas', 'belas', 'puluh'] as const;
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
export const letterClip = (letter: string) => `huruf-${letter.toLowerCase()}`;

/** Every clip the display may ask for; the build test checks each has a file. */
export const ALL_CLIPS: readonly string[] = [...PHRASE_CLIPS, ...NUMBER_CLIPS, ...LETTERS.map(letterClip)];

export function digitWord(d: number): string {
  const w = DIGIT_WORDS[d];
  if (w === undefined) throw new RangeError(`not a digit: ${d}`);
  return w;
}

/**
 * Indonesian number words for 1..99 (the counter numbers): satu .. sembilan, sepuluh, sebelas,
 * dua belas .. sembilan belas, dua puluh, dua puluh satu .. sembilan puluh sembilan.
 * Returns null outside 1..99 (the caller spells such a number digit by digit).
 */
export function counterNumberWords(n: number): string[] | null {
  if (!Number.isInteger(n) || n < 1 || n > 99) return null;
  if (n < 10) return [digitWord(n)];
  if (n === 10) return ['sepuluh'];
  if (n === 11) return ['sebelas'];
  if (n < 20) return [digitWord(n - 10), 'belas'];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  // 10 is "sepuluh", never "satu puluh"; 20..99 have their own tens word
  const head = [digitWord(tens), 'puluh'];
  return ones === 0 ? head : [...head, digitWord(ones)];
}

export interface Phrase {
  /** what is said, as a sentence (shown in tests and logs) */
  text: string;
  /** the word clips to play, in order */
  clips: string[];
}

/** Letters are said by name, digits one by one ("B-003" -> B nol nol tiga). */
function labelParts(label: string): { words: string[]; clips: string[] } {
  const words: string[] = [];
  const clips: string[] = [];
  for (const ch of label.toUpperCase()) {
    if (ch >= 'A' && ch <= 'Z') {
      words.push(ch);
      clips.push(letterClip(ch));
    } else if (ch >= '0' && ch <= '9') {
      const w = digitWord(Number(ch));
      words.push(w);
      clips.push(w);
    }
  }
  return { words, clips };
}

/**
 * The counter's spoken name: the number in its name ("Loket 2" -> dua, "Loket 12" -> dua belas);
 * without a number, its letters ("Loket B" -> B). Numbers past 99 are said digit by digit.
 */
function counterParts(counterName: string): { words: string[]; clips: string[] } {
  const numbers = counterName.match(/\d+/g);
  const last = numbers?.[numbers.length - 1];
  if (last !== undefined) {
    const words = counterNumberWords(Number(last));
    if (words) return { words, clips: words };
    return labelParts(last);
  }
  return labelParts(counterName.replace(/loket/gi, ''));
}

export function callPhrase(label: string, counterName: string): Phrase {
  const l = labelParts(label);
  const c = counterParts(counterName);
  const text = `nomor antrian ${l.words.join(' ')}, silakan ke loket${c.words.length ? ' ' + c.words.join(' ') : ''}`;
  return { text, clips: ['nomor-antrian', ...l.clips, 'silakan-ke-loket', ...c.clips] };
}
