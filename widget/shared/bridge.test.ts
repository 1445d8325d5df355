import { describe, expect, it } from 'vitest';
import { isExactOrigin, parseFrameToHost, parseHostToFrame } from './bridge.ts';

describe('host ↔ frame messages', () => {
  it('accepts the well-formed messages of each direction', () => {
    expect(parseFrameToHost({ parley: 1, type: 'ready' })).toEqual({ parley: 1, type: 'ready' });
    expect(parseFrameToHost({ parley: 1, type: 'message', id: 7, sender: 'bot', text: 'leak?' })).toEqual({ parley: 1, type: 'message', id: 7, sender: 'bot' });
    expect(parseFrameToHost({ parley: 1, type: 'conversation', active: false })).toEqual({ parley: 1, type: 'conversation', active: false });
    expect(parseHostToFrame({ parley: 1, type: 'open' })).toEqual({ parley: 1, type: 'open' });
    expect(parseHostToFrame({ parley: 1, type: 'config', colour: '#abc' })).toEqual({ parley: 1, type: 'config', colour: '#abc' });
  });

  it('ignores malformed, foreign and hostile data', () => {
    const bad: unknown[] = [
      null, undefined, 'ready', 42, [], { type: 'ready' }, { parley: '1', type: 'ready' }, { parley: 1, type: 'nope' },
      { parley: 1, type: 'message', id: '7', sender: 'bot' }, { parley: 1, type: 'message', id: 1.5, sender: 'bot' },
      { parley: 1, type: 'message', id: 1, sender: 'admin' }, { parley: 1, type: 'conversation', active: 'yes' },
      JSON.parse('{"parley":1,"type":"__proto__"}'),
    ];
    for (const data of bad) expect(parseFrameToHost(data)).toBeNull();
    for (const colour of ['red', 'url(x)', '#12345', '#1234567', 'expression(alert(1))', '#fff;background:url(x)', 3]) {
      expect(parseHostToFrame({ parley: 1, type: 'config', colour })).toBeNull();
    }
    expect(parseHostToFrame({ parley: 1, type: 'close' })).toBeNull();
  });

  it('only takes exact http(s) origins', () => {
    expect(isExactOrigin('https://shop.example')).toBe(true);
    expect(isExactOrigin('http://127.0.0.1:8080')).toBe(true);
    for (const o of ['https://shop.example/', 'https://shop.example/path', 'null', '*', 'javascript:alert(1)', 'https://a@shop.example', 'HTTPS://SHOP.EXAMPLE', '']) {
      expect(isExactOrigin(o)).toBe(false);
    }
  });
});
