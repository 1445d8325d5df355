import { describe, expect, it } from 'vitest';
import { safeHref } from './links.ts';

describe('safeHref', () => {
  it('keeps absolute http, https and mailto links', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref('http://example.com')).toBe('http://example.com/');
    expect(safeHref('  mailto:help@example.com ')).toBe('mailto:help@example.com');
  });

  it('refuses every other scheme, relative URLs and non-strings', () => {
    const bad: unknown[] = [
      'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', '\u0000javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'blob:https://example.com/x', 'file:///etc/passwd',
      '/relative', '//evil.example/x', 'example.com', '', null, 42, { toString: () => 'https://x.example' },
    ];
    for (const url of bad) expect(safeHref(url), String(url)).toBeNull();
  });
});
