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

export type { Strings };
