// IntentClassifier on NLP.js v4 (core + nlp + language packages), gated by trigram similarity.
import { containerBootstrap } from '@nlpjs/core';
import { Nlp } from '@nlpjs/nlp';
import { LangEn } from '@nlpjs/lang-en';
import { LangEs } from '@nlpjs/lang-es';
import { LangNo } from '@nlpjs/lang-no';
import type { Language } from '../../common/languages.ts';
import type { IntentClassifier, TrainingSet } from './classifier.ts';
import { bestSimilarity, trigramVector, type Vector } from './similarity.ts';

/** NLP.js knows Norwegian Bokmål as `no`. */
// Not an alias table: the other direction, our language → the code NLP.js knows it by (its
// Norwegian package is 'no'). What visitors ask for is mapped by common/languages.ts.
const NLPJS_LOCALE: Record<Language, string> = { en: 'en', nb: 'no', es: 'es' };

interface IntentSignals {
  intent: string;
  /** NLP.js's probability, renormalised over the candidate intents. */
  nlp: number;
  /** Best trigram cosine against the intent's training phrases in that language. */
  similarity: number;
}

/** How the two signals become one score. */
type Scoring = (signals: IntentSignals) => number;

/**
 * Similarity at which a text counts as fully "about" an intent's phrases. Below it the score
 * shrinks in proportion, so a text sharing nothing with an intent cannot clear any threshold.
 */
const FULL_TRUST_SIMILARITY = 0.5;

/**
 * Mean of NLP.js and the similarity signal, times the similarity gate. Chosen (with the demo
 * bot's threshold 0.4 and margin 0.05) by 5-fold cross-validation over the demo training phrases
 * plus a separate development list of off-topic questions, never by the held-out test set.
 */
const gatedScore: Scoring = ({ nlp, similarity }) => {
  const trust = Math.min(1, similarity / FULL_TRUST_SIMILARITY);
  return ((nlp + trust) / 2) * trust;
};

export async function trainNlpjsClassifier(training: TrainingSet, scoring: Scoring = gatedScore): Promise<IntentClassifier> {
  const signals = await trainNlpjsSignals(training);
  return {
    async classify(language, text, candidates) {
      const raw = await signals(language, text, candidates);
      return raw.map((s) => ({ intent: s.intent, score: scoring(s) })).sort((a, b) => b.score - a.score);
    },
  };
}

/** Trains NLP.js once and returns a function giving both signals per candidate intent. */
async function trainNlpjsSignals(
  training: TrainingSet,
): Promise<(language: Language, text: string, candidates: ReadonlySet<string>) => Promise<IntentSignals[]>> {
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangEn);
  container.use(LangEs);
  container.use(LangNo);
  const nlp = container.get('nlp');
  // Kept in memory only: no model.nlp written or read, no training logs, no sentiment work.
  nlp.settings.autoSave = false;
  nlp.settings.autoLoad = false;
  nlp.settings.threshold = 0;
  nlp.settings.calculateSentiment = false;
  nlp.nluManager.settings.log = false;
  nlp.addLanguage(training.languages.map((lang) => NLPJS_LOCALE[lang]));

  const vectors = new Map<Language, Map<string, Vector[]>>();
  for (const lang of training.languages) {
    const byIntent = new Map<string, Vector[]>();
    for (const intent of training.intents) {
      const phrases = intent.phrases[lang] ?? [];
      for (const phrase of phrases) nlp.addDocument(NLPJS_LOCALE[lang], phrase, intent.name);
      byIntent.set(intent.name, phrases.map((p) => trigramVector(lang, p)));
    }
    vectors.set(lang, byIntent);
  }
  await nlp.train();

  return async (language, text, candidates) => {
      const byIntent = vectors.get(language);
      if (!byIntent || candidates.size === 0) return [];
      const result = await nlp.process(NLPJS_LOCALE[language], text, {});
      const nlpScores = new Map<string, number>();
      for (const c of result.classifications ?? []) {
        if (candidates.has(c.intent)) nlpScores.set(c.intent, c.score);
      }
      // Renormalise over the intents reachable in this context (follow-ups of other parents removed).
      const total = [...nlpScores.values()].reduce((a, b) => a + b, 0);
      const textVector = trigramVector(language, text);
      const out: IntentSignals[] = [];
      for (const intent of candidates) {
        out.push({
          intent,
          nlp: total > 0 ? (nlpScores.get(intent) ?? 0) / total : 0,
          similarity: bestSimilarity(textVector, byIntent.get(intent) ?? []),
        });
      }
      return out;
  };
}
