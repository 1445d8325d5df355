// The languages Parley speaks, and the one table that maps what browsers, pages and visitors say
// ("nb-NO", "no", "NN", "es-419") to them: the loader, the frame and the bot engine all read it.

export const LANGUAGES = ['en', 'nb', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Primary language subtag → our language. Norwegian as a macrolanguage ("no") and Nynorsk ("nn")
 * get Bokmål, the Norwegian we have.
 */
const BY_SUBTAG: Record<string, Language> = { en: 'en', nb: 'nb', no: 'nb', nn: 'nb', es: 'es' };

/** The language a tag asks for ("nb-NO" → nb, "es-419" → es); undefined when it is none of ours. */
export function languageOf(tag: string): Language | undefined {
  const lang: unknown = BY_SUBTAG[tag.toLowerCase().split(/[-_]/)[0]!];
  // Object.prototype's members ("constructor", "__proto__") are functions and objects, never ours.
  return typeof lang === 'string' ? (lang as Language) : undefined;
}
