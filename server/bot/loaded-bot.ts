// A definition ready to answer: indexed intents and forms, its trained classifier, its secret.
import type { AccessLevel } from './engine.ts';
import type { BotDefinition, FormDefinition, IntentDefinition } from './definition.ts';
import type { IntentClassifier } from './classifier.ts';

export interface LoadedBot {
  id: string;
  def: BotDefinition;
  intents: Map<string, IntentDefinition>;
  forms: Map<string, FormDefinition>;
  classifier: IntentClassifier;
  /** Undefined when every intent is public: then no identity can matter. */
  identitySecret: string | undefined;
}

const RANK: Record<AccessLevel, number> = { public: 0, verified: 1, premium: 2 };

/** Whether a visitor at `level` may reach `intent`. */
export function mayReach(level: AccessLevel, intent: IntentDefinition): boolean {
  return (RANK[level] ?? 0) >= RANK[intent.access];
}

/** The server's access value is trusted but typed loosely; anything unknown is public. */
export function normaliseAccess(value: unknown): AccessLevel {
  return value === 'verified' || value === 'premium' ? value : 'public';
}

export function hasGatedIntents(def: BotDefinition): boolean {
  return def.intents.some((intent) => intent.access !== 'public');
}
