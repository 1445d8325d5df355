// The second opinion on NLP.js's answer. NLP.js's neural classifier spreads all probability over
// the intents it knows, so a question about the weather still lands on "pricing" with 0.99. This
// signal asks a plainer question: does the text share content words (or their stems) with any
// training phrase of that intent? Character trigrams of content words make "prices"/"pricing" and
// "åpent"/"åpningstider" overlap without a stemmer.
import { StopwordsEn } from '@nlpjs/lang-en';
import { StopwordsEs } from '@nlpjs/lang-es';
import { StopwordsNo } from '@nlpjs/lang-no';
import type { Language } from '../../common/languages.ts';

export type Vector = Map<string, number>;

const STOPWORDS: Record<Language, Record<string, boolean>> = {
  en: new StopwordsEn().dictionary,
  nb: new StopwordsNo().dictionary,
  es: new StopwordsEs().dictionary,
};

/** Lower-cased words without accents (but keeping ø/æ, which do not decompose). */
export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Content words: stop words dropped, unless nothing else is left ("hello", "thanks" survive anyway). */
function contentWords(language: Language, text: string): string[] {
  const all = words(text);
  const stop = STOPWORDS[language];
  const content = all.filter((w) => !stop[w]);
  return content.length > 0 ? content : all;
}

/** Bag of padded character trigrams of the content words, e.g. "open" → " op", "ope", "pen", "en ". */
export function trigramVector(language: Language, text: string): Vector {
  const vector: Vector = new Map();
  for (const word of contentWords(language, text)) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      const gram = padded.slice(i, i + 3);
      vector.set(gram, (vector.get(gram) ?? 0) + 1);
    }
  }
  return vector;
}

export function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [gram, count] of a) {
    normA += count * count;
    const other = b.get(gram);
    if (other !== undefined) dot += count * other;
  }
  for (const count of b.values()) normB += count * count;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Highest cosine between the text and any of the phrases (already vectorised). */
export function bestSimilarity(text: Vector, phrases: readonly Vector[]): number {
  let best = 0;
  for (const phrase of phrases) best = Math.max(best, cosine(text, phrase));
  return best;
}
