// When is the classifier sure enough to answer? Above the bot's threshold and clearly ahead of
// the runner-up; anything else goes to the fallback with suggestions.
import type { IntentScore } from './classifier.ts';

export function confidentIntent(
  scores: readonly IntentScore[],
  threshold: number,
  ambiguityMargin: number,
): string | undefined {
  const [top, second] = scores;
  if (top === undefined || top.score < threshold) return undefined;
  if (second !== undefined && top.score - second.score < ambiguityMargin) return undefined;
  return top.intent;
}
