// The loader's only visible words (the launcher's accessible name); the frame has its own locale files.
import { languageOf, type Language } from '../../common/languages.ts';

const STRINGS: Record<Language, [open: string, close: string, unread: string]> = {
  en: ['Open chat', 'Close chat', 'unread'],
  nb: ['Åpne chat', 'Lukk chat', 'uleste'],
  es: ['Abrir chat', 'Cerrar chat', 'sin leer'],
};

export function launcherStrings(locale: string): [open: string, close: string, unread: string] {
  return STRINGS[languageOf(locale) ?? 'en'];
}
