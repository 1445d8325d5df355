import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contrast, DEFAULT_COLOUR, textOn } from './colour.ts';

describe('colour contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#fff', '#fff')).toBeCloseTo(1, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it('picks a text colour that meets AA (4.5:1) on any brand colour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        const bg = `#${n.toString(16).padStart(6, '0')}`;
        expect(contrast(bg, textOn(bg))).toBeGreaterThanOrEqual(4.5);
      }),
    );
    expect(textOn(DEFAULT_COLOUR)).toBe('#ffffff');
    expect(textOn('#ffeb3b')).toBe('#000000');
  });
});
