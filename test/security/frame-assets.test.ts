// Rule: "/assets/<file> serves one hashed file of the frame's build, nothing else under dist/". The
// router decodes the parameter, so "..%2F" arrives as "../": sending the raw path from dist/ once
// served every built file, frame.html among them without its frame-ancestors policy. Real HTTP
// against the route mounted the way server/http/app.ts mounts it, over a dist/ made for the test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import Router from '@koa/router';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../server/http/errors.ts';
import { frameAssets } from '../../server/http/routes/static-files.ts';
import { listen, type Listening } from './listen.ts';

const SCRIPT = 'document.title = "frame";';

describe('frame assets', () => {
  let server: Listening;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'parley-frame-dist-'));
    mkdirSync(join(dist, 'assets'), { recursive: true });
    mkdirSync(join(dist, 'console', 'assets'), { recursive: true });
    writeFileSync(join(dist, 'assets', 'frame-abc123.js'), SCRIPT);
    writeFileSync(join(dist, 'frame.html'), 'the frame page, only with its own CSP');
    writeFileSync(join(dist, 'console', 'assets', 'console-1.js'), 'the console');
    const app = new Koa();
    app.silent = true;
    const router = new Router();
    router.get('/assets/:file', frameAssets({ distDir: dist }));
    app.use(errorHandler(pino({ level: 'silent' })));
    app.use(router.routes());
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves a hashed asset, cached for a year', async () => {
    const res = await fetch(server.url + '/assets/frame-abc123.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(SCRIPT);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
  });

  it('a missing file or a path that climbs out of dist/assets is a JSON 404 and serves nothing', async () => {
    for (const path of ['/assets/nope.js', '/assets/..%2Fframe.html', '/assets/%2e%2e%2fframe.html', '/assets/..%2Fconsole%2Fassets%2Fconsole-1.js', '/assets/.hidden']) {
      const res = await fetch(server.url + path);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(JSON.parse(body), path).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    }
  });
});
