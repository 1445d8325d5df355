// The Koa app: security headers, JSON errors, then the routes of DESIGN.md's wire contracts.
import Koa from 'koa';
import Router from '@koa/router';
import type { AppDeps } from './deps.ts';
import { errorHandler, httpError } from './errors.ts';
import { accessLog } from './access-log.ts';
import { frameOnly } from './frame-only.ts';
import { formBody, jsonBody } from './json-body.ts';
import { requireDeletionToken, requireVisitor } from './visitor-auth.ts';
import { securityHeaders } from '../security/headers.ts';
import { securityTxt } from '../security/security-txt.ts';
import { createSession } from './routes/sessions.ts';
import { authorizeChannel } from './routes/realtime-auth.ts';
import { deleteConversation, listMessages, sendMessage } from './routes/messages.ts';
import { health } from './routes/health.ts';
import { chatFrame } from './routes/frame.ts';
import { demoSite, frameAssets, widgetScript } from './routes/static-files.ts';

const SECURITY_TXT_DEFAULT_LIFETIME_MS = 180 * 86_400_000;

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.trustProxy });
  // Koa's own error listener prints stacks; ours are already answered and logged.
  app.silent = true;

  const visitor = requireVisitor(deps);
  const fromFrame = frameOnly(deps.publicUrl);
  const router = new Router();
  router.post('/api/v1/sessions', fromFrame, jsonBody(), createSession(deps));
  router.post('/api/v1/realtime/auth', fromFrame, visitor, formBody(), authorizeChannel(deps));
  router.post('/api/v1/messages', fromFrame, visitor, jsonBody(), sendMessage(deps));
  router.get('/api/v1/messages', fromFrame, visitor, listMessages(deps));
  router.delete('/api/v1/conversation', fromFrame, requireDeletionToken(deps), deleteConversation(deps));
  router.get('/healthz', health(deps));
  router.get('/widget.js', widgetScript(deps));
  router.get('/frame.html', chatFrame(deps));
  router.get('/assets/:file', frameAssets(deps));

  const publicOrigin = new URL(deps.publicUrl).origin;
  app.use(securityHeaders({ hsts: true }));
  app.use(accessLog(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(
    securityTxt({
      contact: deps.config.security.contact ?? `mailto:security@${new URL(deps.publicUrl).hostname}`,
      expires: deps.config.security.expires ?? new Date(Date.now() + SECURITY_TXT_DEFAULT_LIFETIME_MS),
      canonicalUrl: `${publicOrigin}/.well-known/security.txt`,
    }),
  );
  app.use(router.routes());
  // Methods no route knows (TRACE, PROPFIND…) are a 405 like any other wrong method, not a 501.
  const wrongMethod = () => httpError(405, 'method_not_allowed', 'Method not allowed');
  app.use(router.allowedMethods({ throw: true, methodNotAllowed: wrongMethod, notImplemented: wrongMethod }));
  app.use(demoSite(deps));
  return app;
}
