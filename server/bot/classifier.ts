// Our seam around intent classification, so NLP.js can be swapped without touching the dialog.
import type { Language } from '../../common/languages.ts';

export interface IntentScore {
  intent: string;
  /** Confidence in 0..1 after gating; comparable with the bot's threshold. */
  score: number;
}

export interface TrainingSet {
  languages: readonly Language[];
  /** intent name → language → training phrases */
  intents: ReadonlyArray<{ name: string; phrases: Partial<Record<Language, readonly string[]>> }>;
}

export interface IntentClassifier {
  /** Scores of the candidate intents for `text`, best first. Never throws on odd text. */
  classify(language: Language, text: string, candidates: ReadonlySet<string>): Promise<IntentScore[]>;
}
