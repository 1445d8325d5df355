// Maps what the browser or the server says ("nb-NO", "no", "es-419", "EN") to one of the bot's
// languages, falling back to the bot's default.
import { LANGUAGES, type Language } from './definition.ts';

const ALIASES: Record<string, Language> = { no: 'nb', nn: 'nb', nb: 'nb', en: 'en', es: 'es' };

export function resolveLanguage(requested: unknown, languages: readonly Language[], fallback: Language): Language {
  if (typeof requested !== 'string') return fallback;
  const primary = requested.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const lang = ALIASES[primary];
  return lang !== undefined && languages.includes(lang) ? lang : fallback;
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}
