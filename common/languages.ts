// The languages Parley speaks, and the one table that maps what browsers, pages and visitors say
// ("nb-NO", "no", "NN", "es-419") to them: the loader, the frame and the bot engine all read it.

export const LANGUAGES = ['en', 'nb', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Norwegian as a macrolanguage ("no") and Nynorsk ("nn") get Bokmål, the Norwegian we have. */
const ALIASES: Record<string, Language> = { no: 'nb', nn: 'nb' };

/** The language a tag asks for ("nb-NO" → nb, "es-419" → es); undefined when it is none of ours. */
export function languageOf(tag: string): Language | undefined {
  const primary = tag.toLowerCase().split(/[-_]/)[0]!;
  // `includes`, not a lookup, decides: "__proto__" or "constructor" find Object.prototype's members.
  const lang = (ALIASES[primary] ?? primary) as Language;
  return LANGUAGES.includes(lang) ? lang : undefined;
}
