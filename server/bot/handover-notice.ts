// The wording of the joined/left notices a visitor sees: the bot's template for the visitor's
// language (the bot's default for any other), with `{name}` replaced by the operator's display name;
// and of the word that no one came (`unanswered`, which names no one).
import type { HandoverSettings } from './engine.ts';
import { resolveLanguage } from './locale.ts';
import type { Language } from '../../common/languages.ts';

export function handoverNotice(settings: HandoverSettings, kind: 'joined' | 'left' | 'unanswered', locale: string, defaultLocale: string, name: string): string {
  const templates = settings[kind];
  const language = resolveLanguage(locale, Object.keys(templates) as Language[], defaultLocale as Language);
  // A function replacement, so a name holding "$&" or "{name}" stays as it was typed.
  return (templates[language] ?? '').replaceAll('{name}', () => name);
}
