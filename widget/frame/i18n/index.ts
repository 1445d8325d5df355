// Picks the locale file for a language tag (common/languages.ts decides which); English otherwise.
import { languageOf, type Language } from '../../../common/languages.ts';
import { en, type Strings } from './en.ts';
import { es } from './es.ts';
import { nb } from './nb.ts';

const LOCALES: Record<Language, Strings> = { en, nb, es };

export function pickLocale(tag: string | null): { lang: Language; strings: Strings } {
  const lang = languageOf(tag ?? '') ?? 'en';
  return { lang, strings: LOCALES[lang] };
}

/**
 * A string with its `{name}`-style places filled. A function replacer, so a value such as an
 * operator's name containing `$&` is inserted as it is.
 */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (place, key: string) => (Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : place));
}

export type { Strings };
