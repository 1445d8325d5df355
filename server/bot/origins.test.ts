import { describe, expect, it } from 'vitest';
import { isAllowedOriginEntry, isOriginAllowed } from './origins.ts';

describe('allowed origins', () => {
  const allowed = ['https://shop.example', 'http://localhost:*', 'http://127.0.0.1:*'];

  it('matches exact origins and port wildcards', () => {
    expect(isOriginAllowed(allowed, 'https://shop.example')).toBe(true);
    expect(isOriginAllowed(allowed, 'http://localhost:5173')).toBe(true);
    expect(isOriginAllowed(allowed, 'http://localhost')).toBe(true);
    expect(isOriginAllowed(allowed, 'http://127.0.0.1:40123')).toBe(true);
  });

  it('refuses look-alikes, other schemes, paths and junk', () => {
    for (const origin of [
      'http://shop.example',
      'https://shop.example.evil.com',
      'https://evil.example',
      'https://localhost:3000',
      'http://localhost.evil.com:80',
      'https://shop.example/',
      'https://shop.example:443/path',
      'null',
      '',
      undefined,
    ]) {
      expect(isOriginAllowed(allowed, origin)).toBe(false);
    }
  });

  it('validates entries in definitions', () => {
    for (const ok of ['https://shop.example', 'http://localhost:*', 'http://127.0.0.1:8080', 'http://[::1]:*']) expect(isAllowedOriginEntry(ok)).toBe(true);
    for (const bad of ['https://shop.example/', 'https://*.example', 'ftp://x.example', 'https://x.example:99999', 'HTTPS://X.EXAMPLE', '*']) {
      expect(isAllowedOriginEntry(bad)).toBe(false);
    }
  });
});
