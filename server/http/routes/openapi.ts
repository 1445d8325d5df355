// GET /api/v1/openapi.json: the API's OpenAPI 3.1 document (server/http/api/). It holds no secret
// and changes only with a new build, so anyone may read it and caches may keep it (with an ETag
// for revalidation). Built on the first request, not at start.
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import { buildApiDocument } from '../api/document.ts';

const MAX_AGE_SECONDS = 3600;

export function openApiDocument(publicUrl: string): Middleware {
  let built: { body: string; etag: string } | undefined;
  return (ctx) => {
    if (!built) {
      const body = JSON.stringify(buildApiDocument(publicUrl));
      built = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    ctx.set('Cache-Control', `public, max-age=${MAX_AGE_SECONDS}`);
    ctx.etag = built.etag;
    ctx.type = 'application/json';
    ctx.status = 200; // Koa's freshness check looks at the status the answer would have
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.body = built.body;
  };
}
