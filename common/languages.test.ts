import { describe, expect, it } from 'vitest';
import { languageOf } from './languages.ts';

describe('languageOf: one alias table for the loader, the frame and the bot engine', () => {
  it.each([
    ['en', 'en'],
    ['EN-GB', 'en'],
    ['nb-NO', 'nb'],
    ['no', 'nb'],
    ['nn_NO', 'nb'],
    ['es-419', 'es'],
  ])('%j → %j', (tag, lang) => {
    expect(languageOf(tag)).toBe(lang);
  });

  it.each(['fr', '', '-', '__proto__', 'constructor', 'toString'])('%j is none of ours', (tag) => {
    expect(languageOf(tag)).toBeUndefined();
  });
});
