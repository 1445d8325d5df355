import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { es } from './es.ts';
import { pickLocale } from './index.ts';
import { nb } from './nb.ts';

describe('locales', () => {
  it('has every string, non-empty, in every locale', () => {
    for (const strings of [nb, es]) {
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
      for (const value of Object.values(strings)) expect(value.trim()).not.toBe('');
    }
  });

  it('maps language tags to a locale file, English otherwise', () => {
    expect(pickLocale('nb').strings).toBe(nb);
    expect(pickLocale('no').lang).toBe('nb');
    expect(pickLocale('nn-NO').lang).toBe('nb');
    expect(pickLocale('es-MX').strings).toBe(es);
    expect(pickLocale('fr').lang).toBe('en');
    expect(pickLocale(null).lang).toBe('en');
    expect(pickLocale('__proto__').lang).toBe('en');
  });
});
