// Picks the locale file for a language tag: en, nb (also for no/nn) and es; English otherwise.
import { en, type Strings } from './en.ts';
import { es } from './es.ts';
import { nb } from './nb.ts';

const LOCALES: Record<string, Strings> = { en, nb, es };
const ALIASES: Record<string, string> = { no: 'nb', nn: 'nb' };

export function pickLocale(tag: string | null): { lang: string; strings: Strings } {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  const lang = ALIASES[base] ?? base;
  const strings = LOCALES[lang];
  return strings ? { lang, strings } : { lang: 'en', strings: en };
}

export type { Strings };
