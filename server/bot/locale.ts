// Maps what the browser or the server says ("nb-NO", "no", "es-419", "EN") to one of the bot's
// languages, falling back to the bot's default.
import { languageOf, type Language } from '../../common/languages.ts';

export function resolveLanguage(requested: unknown, languages: readonly Language[], fallback: Language): Language {
  const lang = typeof requested === 'string' ? languageOf(requested) : undefined;
  return lang !== undefined && languages.includes(lang) ? lang : fallback;
}
