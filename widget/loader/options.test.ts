import { describe, expect, it } from 'vitest';
import { readOptions } from './options.ts';

const tag = (dataset: Record<string, string>, src = 'https://chat.example.com/widget.js?v=1') => ({ src, dataset });

describe('loader options', () => {
  it('reads data-* attributes and the Parley origin from src', () => {
    expect(readOptions(tag({ bot: 'demo', locale: 'nb-NO', position: 'left', colour: '#ff0000', open: '' }), 'en')).toEqual({
      bot: 'demo',
      parleyOrigin: 'https://chat.example.com',
      locale: 'nb',
      position: 'left',
      colour: '#ff0000',
      openOnStart: true,
    });
  });

  it('falls back to safe defaults for missing or hostile values', () => {
    const opts = readOptions(tag({ bot: 'demo', position: 'top', colour: 'red;background:url(x)', open: 'no' }), 'ES');
    expect(opts).toMatchObject({ locale: 'es', position: 'right', colour: '#1d4ed8', openOnStart: false });
  });

  it('refuses a tag without a usable bot id or src', () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      expect(readOptions(tag({}), 'en')).toBeNull();
      expect(readOptions(tag({ bot: '../x' }), 'en')).toBeNull();
      // The server's bot-id shape (common/ids.ts): no capitals or underscores, so no request it would refuse.
      expect(readOptions(tag({ bot: 'Demo_1' }), 'en')).toBeNull();
      expect(readOptions(tag({ bot: 'demo' }, ''), 'en')).toBeNull();
    } finally {
      console.warn = warn;
    }
  });
});
