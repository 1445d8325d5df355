// Finding 10: only errors Parley itself raised may speak to a client. A library's error (a file
// that is not there, a path that leaves the root, a body that does not decode) gets a generic body
// for its status: no error code of the library, no file path, no library wording.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { call } from '../helpers/visitor-api.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GENERIC = {
  400: { error: { code: 'bad_request', message: 'The request could not be processed' } },
  403: { error: { code: 'forbidden', message: 'The request could not be processed' } },
  404: { error: { code: 'not_found', message: 'Not found' } },
} as const;
/** What no answer may contain: paths, errno names, library phrasing. */
const LEAKS = [ROOT, '/tmp', 'ENOENT', 'ENAMETOOLONG', 'ENOTDIR', 'stat', 'no such file', 'failed to decode', 'Malicious', 'dist', 'Error'];

let parley: Awaited<ReturnType<typeof startInProcess>>;
beforeAll(async () => {
  parley = await startInProcess();
});
afterAll(() => parley?.close());

function expectGeneric(res: { status: number; body: unknown }, status: keyof typeof GENERIC): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(GENERIC[status]);
  const text = JSON.stringify(res.body);
  for (const leak of LEAKS) expect(text, leak).not.toContain(leak);
}

describe('library errors never reach a client', () => {
  it('a missing asset is the same 404 as an unknown route, without ENOENT or the file path', async () => {
    expectGeneric(await call(parley.url, '/assets/nope.js'), 404);
    expectGeneric(await call(parley.url, '/api/v1/nothing'), 404);
  });

  it('a file name too long for the file system is a generic 404 (ENAMETOOLONG)', async () => {
    expectGeneric(await call(parley.url, `/assets/${'a'.repeat(300)}.js`), 404);
  });

  // /assets/:file takes one hashed file name, so any other name is the same 404 before a file is
  // looked at; the demo site (public/) still sends the request path, so its library errors are tried.
  it.each([
    { name: 'an encoded ../ in an asset name', path: '/assets/%2e%2e%2fpackage.json', status: 404 },
    { name: 'an encoded ../../ in an asset name', path: '/assets/..%2f..%2fpackage.json', status: 404 },
    { name: 'an encoded absolute path as an asset name', path: '/assets/%2fetc%2fpasswd', status: 404 },
    { name: 'a backslash traversal in an asset name', path: '/assets/..%5c..%5cpackage.json', status: 404 },
    { name: 'an encoded ../ that leaves the demo site', path: '/%2e%2e%2fpackage.json', status: 403 },
    { name: 'a backslash traversal out of the demo site', path: '/..%5c..%5cpackage.json', status: 403 },
  ] as const)('path traversal ($name) is a generic $status', async ({ path, status }) => {
    expectGeneric(await call(parley.url, path), status);
  });

  it('a path that does not percent-decode, or holds a NUL, is the generic 404 (the demo site treats its 400 as not there)', async () => {
    expectGeneric(await call(parley.url, '/%ff'), 404);
    expectGeneric(await call(parley.url, '/a%00b.js'), 404);
    expectGeneric(await call(parley.url, '/assets/%ff'), 404);
    expectGeneric(await call(parley.url, '/assets/a%00b.js'), 404);
  });

  it('a compressed request body is refused with 415 instead of a 500 from the decompressor', async () => {
    for (const encoding of ['gzip', 'deflate', 'br', 'zstd-nope']) {
      const res = await call(parley.url, '/api/v1/sessions', {
        body: 'not compressed at all',
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });
      expect(res.status, encoding).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      expect(JSON.stringify(res.body)).not.toMatch(/zlib|header check|Z_|Error/);
    }
  });

  it('malformed JSON is a generic 400 without the parser\'s words', async () => {
    expectGeneric(await call(parley.url, '/api/v1/sessions', { body: '{"bot":', headers: { 'content-type': 'application/json' } }), 400);
  });

  it('errors Parley raised itself keep their own code and message', async () => {
    const res = await call(parley.url, '/api/v1/sessions', { json: { bot: 'no-such-bot', origin: 'http://localhost:5173' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'unknown_bot', message: 'No such bot' } });
  });
});
