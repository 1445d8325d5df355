import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { es } from './es.ts';
import { fill, pickLocale } from './index.ts';
import { nb } from './nb.ts';

describe('locales', () => {
  it('has every string, non-empty, in every locale', () => {
    for (const strings of [nb, es]) {
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
      for (const value of Object.values(strings)) expect(value.trim()).not.toBe('');
    }
  });

  it('keeps the same {places} as English in every locale', () => {
    const places = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const strings of [nb, es]) {
      for (const [key, value] of Object.entries(en)) expect(places(strings[key as keyof typeof en]), key).toEqual(places(value));
    }
  });

  it('fills places with the value as it is, whatever characters it holds', () => {
    expect(fill(en.operatorTyping, { name: 'Olga' })).toBe('Olga is typing…');
    expect(fill(en.joined, { name: "$& $' $1" })).toBe("$& $' $1 joined the conversation.");
    expect(fill(en.stars, { n: 3 })).toBe('3 of 5 stars');
    expect(fill('{constructor} {name}', {})).toBe('{constructor} {name}');
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
