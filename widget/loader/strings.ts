// The loader's only visible words (the launcher's accessible name); the frame has its own locale files.
const STRINGS: Record<string, [open: string, close: string, unread: string]> = {
  en: ['Open chat', 'Close chat', 'unread'],
  nb: ['Åpne chat', 'Lukk chat', 'uleste'],
  es: ['Abrir chat', 'Cerrar chat', 'sin leer'],
};
const ALIASES: Record<string, string> = { no: 'nb', nn: 'nb' };

export function launcherStrings(locale: string): [open: string, close: string, unread: string] {
  return (STRINGS[ALIASES[locale] ?? locale] ?? STRINGS.en)!;
}
