// The Koa app: security headers, JSON errors, then the routes of DESIGN.md's wire contracts.
import Koa from 'koa';
import Router from '@koa/router';
import type { AppDeps } from './deps.ts';
import createError from 'http-errors';
import { errorHandler } from './errors.ts';
import { accessLog } from './access-log.ts';
import { frameOnly } from './frame-only.ts';
import { formBody, jsonBody } from './json-body.ts';
import { clientIp, requireDeletionToken, requireVisitor, type VisitorState } from './visitor-auth.ts';
import { rateLimit } from './rate-limit.ts';
import { validBody } from './validate.ts';
import { ratingRequest, sendRequest, typingRequest } from '../../common/wire-schemas.ts';
import { securityHeaders } from '../security/headers.ts';
import { securityTxt } from '../security/security-txt.ts';
import { createSession } from './routes/sessions.ts';
import { authorizeChannel } from './routes/realtime-auth.ts';
import { deleteConversation, listMessages, sendMessage } from './routes/messages.ts';
import { liveness, readiness, readinessChecks } from './routes/health.ts';
import { visitorTyping } from './routes/typing.ts';
import { rateConversation } from './routes/rating.ts';
import { exportConversation } from './routes/conversation-export.ts';
import { chatFrame } from './routes/frame.ts';
import { consoleApp } from './routes/console-app.ts';
import { demoSite, frameAssets, widgetScript } from './routes/static-files.ts';
import { consoleRouter } from './routes/console/router.ts';
import { metricsEndpoint } from './routes/metrics.ts';
import { requestMetrics } from './request-metrics.ts';
import { openApiDocument } from './routes/openapi.ts';
import { OPENAPI_PATH } from './api/visitor-routes.ts';

const SECURITY_TXT_DEFAULT_LIFETIME_MS = 180 * 86_400_000;

export function createApp(deps: AppDeps): Koa {
  // Behind appending proxies (nginx, ALB) the leftmost X-Forwarded-For entries are whatever the
  // client sent; Koa's maxIpsCount keeps the last N entries and ctx.ip is the first of those, i.e.
  // the address the configured number of hops from the right.
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: deps.config.trustProxyHops });
  // Koa's own error listener prints stacks; ours are already answered and logged.
  app.silent = true;

  const visitor = requireVisitor(deps);
  const fromFrame = frameOnly(deps.publicUrl);
  // Every channel-auth attempt counts, before its token is looked at; a message counts once valid.
  const channelAuthPerIp = rateLimit(deps.limits, (ctx) => ({ kind: 'channelAuth', ip: clientIp(ctx) }));
  const messagesPerConversation = rateLimit(deps.limits, (ctx) => {
    const { profile, conversation } = ctx.state.visitor as VisitorState;
    return { kind: 'message', botId: profile.id, conversationId: conversation.id, perMinute: profile.policy.messagesPerMinute };
  });
  const typingPerConversation = rateLimit(deps.limits, (ctx) => ({ kind: 'typing', conversationId: (ctx.state.visitor as VisitorState).conversation.id, side: 'visitor' }));
  const router = new Router();
  router.post('/api/v1/sessions', fromFrame, jsonBody(), ...createSession(deps));
  router.post('/api/v1/realtime/auth', fromFrame, channelAuthPerIp, visitor, formBody(), authorizeChannel(deps));
  router.post('/api/v1/messages', fromFrame, visitor, jsonBody(), validBody(sendRequest), messagesPerConversation, sendMessage(deps));
  router.get('/api/v1/messages', fromFrame, visitor, listMessages(deps));
  router.post('/api/v1/typing', fromFrame, visitor, jsonBody(), validBody(typingRequest), typingPerConversation, visitorTyping(deps));
  // A rating is a visitor's write like a message, and costs a message's point.
  router.post('/api/v1/rating', fromFrame, visitor, jsonBody(), validBody(ratingRequest), messagesPerConversation, rateConversation(deps));
  router.delete('/api/v1/conversation', fromFrame, requireDeletionToken(deps), deleteConversation(deps));
  router.get('/api/v1/conversation/export', fromFrame, visitor, exportConversation(deps));
  router.get('/healthz', liveness());
  router.get('/readyz', readiness(readinessChecks(deps)));
  // Without METRICS_TOKEN there is no /metrics at all: any method is the 404 of a path no one serves
  // (a route that only refused would still answer OPTIONS with its Allow and POST with 405).
  const metricsToken = deps.config.metricsToken;
  if (metricsToken !== undefined) router.get('/metrics', metricsEndpoint(deps.metrics.registry, metricsToken));
  router.get(OPENAPI_PATH, openApiDocument(deps.publicUrl));
  router.get('/widget.js', widgetScript(deps));
  router.get('/frame.html', chatFrame(deps));
  router.get('/assets/:file', frameAssets(deps));
  router.use(consoleApp(deps).routes());

  const publicOrigin = new URL(deps.publicUrl).origin;
  // Outermost, so the status it records is the one the error handler settled on.
  app.use(requestMetrics(deps.metrics));
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
  const consoleApi = consoleRouter(deps);
  app.use(consoleApi.routes());
  // Methods no route knows (TRACE, PROPFIND…) are a 405 like any other wrong method, not a 501.
  const wrongMethod = () => createError(405, 'Method not allowed', { code: 'method_not_allowed' });
  app.use(router.allowedMethods({ throw: true, methodNotAllowed: wrongMethod, notImplemented: wrongMethod }));
  app.use(consoleApi.allowedMethods({ throw: true, methodNotAllowed: wrongMethod, notImplemented: wrongMethod }));
  app.use(demoSite(deps));
  return app;
}
