// The console API (common/console-wire.ts) under /api/v1/console. In front of every route, in this
// order: the session (cookie → session → user), CSRF (server/http/csrf.ts), the 2FA-for-everyone
// gate (totp-policy.ts), and per route the one authorization check (authorize.ts) before its body is read.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppDeps } from '../../deps.ts';
import { csrfProtection } from '../../csrf.ts';
import { jsonBody } from '../../json-body.ts';
import { validBody } from '../../validate.ts';
import { rateLimit } from '../../rate-limit.ts';
import { clientIp } from '../../visitor-auth.ts';
import { consoleSession } from './session-middleware.ts';
import { authorize, authorizeAcrossBots } from './authorize.ts';
import { mustBeSignedIn, signedIn } from './state.ts';
import * as handovers from '../../../../common/handover-wire-schemas.ts';
import * as protection from '../../../../common/data-protection-wire-schemas.ts';
import * as webhooks from '../../../../common/webhooks-wire-schemas.ts';
import * as wire from '../../../../common/console-wire-schemas.ts';
import { login } from './login.ts';
import { currentSession, endAllSessions, logout } from './session.ts';
import { changePassword, setPassword } from './password.ts';
import { requestReset } from './password-reset.ts';
import { confirmTotp, enrollTotp } from './totp.ts';
import { inviteUser, listUsers, patchUser } from './users.ts';
import { exportAudit, listAudit } from './audit.ts';
import { ssoCallback, ssoInfo, ssoStart } from './sso.ts';
import { finishSsoSignIn } from './sso-second-factor.ts';
import { getSettings, patchSettings } from './settings.ts';
import { requireTotpEnrolment } from './totp-policy.ts';
import { handoverOf, handoverScope, holderOnly } from './handover-access.ts';
import { listHandovers } from './handover-list.ts';
import { handoverDetail } from './handover-detail.ts';
import { reassignHandover, takeHandover } from './handover-assign.ts';
import { resolveHandover } from './handover-resolve.ts';
import { postOperatorMessage } from './handover-messages.ts';
import { addNote } from './handover-notes.ts';
import { operatorTyping } from './handover-typing.ts';
import { botParamScope, cannedReplies } from './canned-replies.ts';
import { putPresence } from './presence.ts';
import { consoleChannelAuth, consoleRealtime } from './realtime-auth.ts';
import { conversationScope } from './conversation-access.ts';
import { browseFilters, listConversations } from './conversation-list.ts';
import { conversationDetail } from './conversation-detail.ts';
import { revealConversation, revealHandover } from './reveal.ts';
import { exportReportCsv, getReport } from './reports.ts';
import { typingRequest } from '../../../../common/wire-schemas.ts';
import { getBotSettings, listBotSettings, saveBotSettings } from './bot-settings.ts';
import { eraseForSubject, exportForSubject } from './subjects.ts';
import { createWebhook, deleteWebhook, listWebhookAttempts, listWebhooks, patchWebhook, rotateWebhookSecret } from './webhooks.ts';

export const CONSOLE_PREFIX = '/api/v1/console';
/** The routes of people without a session, so without a CSRF token yet (see csrf.ts `sessionless`). */
const SESSIONLESS = new Set([
  `POST ${CONSOLE_PREFIX}/session`,
  `POST ${CONSOLE_PREFIX}/password/set`,
  `POST ${CONSOLE_PREFIX}/password/reset`,
  `POST ${CONSOLE_PREFIX}/sso/second-factor`,
]);

export function consoleRouter(deps: AppDeps): Router {
  const { store } = deps;
  const router = new Router({ prefix: CONSOLE_PREFIX });
  router.use(consoleSession(store));
  router.use(
    csrfProtection({
      origin: deps.publicUrl,
      expectedToken: (ctx) => signedIn(ctx)?.session.csrfToken,
      sessionless: (ctx: Context) => SESSIONLESS.has(`${ctx.method} ${ctx.path}`),
    }),
  );
  router.use(requireTotpEnrolment(store, CONSOLE_PREFIX));
  // A malformed login is refused before it is charged; then the IP's and the account's budgets.
  const perIp = rateLimit(deps.limits, (ctx) => ({ kind: 'consoleLoginIp', ip: clientIp(ctx) }));
  const perAccount = rateLimit(deps.limits, (ctx) => ({ kind: 'consoleLoginAccount', email: (ctx.state.input as wire.LoginInput).email }));
  const resetPerIp = rateLimit(deps.limits, (ctx) => ({ kind: 'passwordResetIp', ip: clientIp(ctx) }));
  const resetPerAddress = rateLimit(deps.limits, (ctx) => ({ kind: 'passwordResetAccount', email: (ctx.state.input as wire.ResetInput).email }));
  const signedInOnly = authorize(store, 'signed-in');
  const admin = authorize(store, 'users.manage');
  const auditor = authorize(store, 'audit.read');

  router.post('/session', jsonBody(), validBody(wire.loginRequest), perIp, perAccount, login(deps));
  router.get('/session', signedInOnly, currentSession(deps));
  router.delete('/session', signedInOnly, logout(deps));
  router.post('/session/end-all', signedInOnly, endAllSessions(deps));
  router.post('/password', signedInOnly, jsonBody(), validBody(wire.changePasswordRequest), changePassword(deps));
  router.post('/password/set', jsonBody(), validBody(wire.setPasswordRequest), setPassword(deps));
  router.post('/password/reset', jsonBody(), validBody(wire.resetRequest), resetPerIp, resetPerAddress, requestReset(deps));
  router.post('/totp/enroll', signedInOnly, enrollTotp(deps));
  router.post('/totp/confirm', signedInOnly, jsonBody(), validBody(wire.totpConfirmRequest), confirmTotp(deps));
  router.get('/users', admin, listUsers(deps));
  router.post('/users', admin, jsonBody(), validBody(wire.inviteRequest), inviteUser(deps));
  router.patch('/users/:id', admin, jsonBody(), validBody(wire.userPatch), patchUser(deps));
  router.get('/audit', auditor, listAudit(deps));
  router.get('/audit/export', auditor, exportAudit(deps));
  // No session yet, and GET: the callback's proof is the sealed state cookie, not a CSRF token.
  router.get('/sso', ssoInfo(deps));
  router.get('/sso/start', perIp, ssoStart(deps));
  router.get('/sso/callback', perIp, ssoCallback(deps));
  // Its proof is the pending sign-in's cookie (and, as for every sessionless route, Origin and JSON).
  router.post('/sso/second-factor', jsonBody(), validBody(wire.ssoSecondFactorRequest), perIp, finishSsoSignIn(deps));
  router.get('/settings', admin, getSettings(deps));
  router.patch('/settings', admin, jsonBody(), validBody(wire.settingsPatch), patchSettings(deps));

  // The live handover (common/handover-wire.ts). Routes on one handover find it first, so roles.ts
  // is asked with its bot; one the caller may not reach is 403 not_holder, whatever the reason.
  const handover = handoverScope(store);
  const works = authorize(store, 'handover.work', handover);
  const operatorTypingPerConversation = rateLimit(deps.limits, (ctx) => ({ kind: 'typing', conversationId: handoverOf(ctx).conversationId, side: 'operator' }));
  const operatorPostsPerUser = rateLimit(deps.limits, (ctx) => ({ kind: 'operatorPost', userId: mustBeSignedIn(ctx).user.id }));
  const channelAuthPerIp = rateLimit(deps.limits, (ctx) => ({ kind: 'channelAuth', ip: clientIp(ctx) }));
  router.get('/handovers', signedInOnly, listHandovers(deps));
  router.get('/handovers/:id', works, handoverDetail(deps));
  router.post('/handovers/:id/take', works, takeHandover(deps));
  router.post('/handovers/:id/reassign', authorize(store, 'handover.reassign', handover), jsonBody(), validBody(handovers.reassignRequest), reassignHandover(deps));
  router.post('/handovers/:id/resolve', works, jsonBody(), validBody(handovers.resolveRequest), resolveHandover(deps));
  router.post('/handovers/:id/messages', works, holderOnly(store, 'handover.message'), jsonBody(), validBody(handovers.operatorMessageRequest), operatorPostsPerUser, postOperatorMessage(deps));
  router.post('/handovers/:id/notes', works, holderOnly(store, 'handover.note'), jsonBody(), validBody(handovers.noteRequest), operatorPostsPerUser, addNote(deps));
  router.post('/handovers/:id/typing', works, holderOnly(store, 'handover.typing'), jsonBody(), validBody(typingRequest), operatorPostsPerUser, operatorTypingPerConversation, operatorTyping(deps));
  router.post('/handovers/:id/reveal', authorize(store, 'personal-data.reveal', handover), jsonBody(), validBody(handovers.revealRequest), revealHandover(deps));
  router.get('/bots/:bot/canned-replies', authorize(store, 'handover.work', botParamScope(deps)), cannedReplies(deps));
  router.put('/presence', signedInOnly, jsonBody(), validBody(handovers.presenceRequest), putPresence(deps));
  router.get('/realtime', signedInOnly, consoleRealtime(deps));
  router.post('/realtime/auth', signedInOnly, channelAuthPerIp, jsonBody(), consoleChannelAuth(deps));

  // The conversation browser (common/conversations-wire.ts): metadata filters, masked transcripts,
  // reveal. One the caller may not browse (unknown, archived, another bot's) is 404 not_found.
  const conversation = conversationScope(store);
  const browses = authorizeAcrossBots(store, 'conversations.browse');
  router.get('/conversations', browses, listConversations(deps));
  router.get('/conversations/filters', browses, browseFilters(deps));
  router.get('/conversations/:id', authorize(store, 'conversations.browse', conversation), conversationDetail(deps));
  router.post('/conversations/:id/reveal', authorize(store, 'personal-data.reveal', conversation), jsonBody(), validBody(handovers.revealRequest), revealConversation(deps));
  // Data protection (common/data-protection-wire.ts): bots' settings, and data subjects' requests.
  const botSettings = authorize(store, 'bots.settings');
  const subjects = authorize(store, 'subjects.export-erase');
  router.get('/bot-settings', botSettings, listBotSettings(deps));
  router.get('/bot-settings/:bot', botSettings, getBotSettings(deps));
  router.put('/bot-settings/:bot', botSettings, jsonBody(), validBody(protection.saveBotSettingsRequest), saveBotSettings(deps));
  // Webhooks (common/webhooks-wire.ts): bots.settings, like the rest of a bot's settings.
  router.get('/webhooks', botSettings, listWebhooks(deps));
  router.post('/webhooks', botSettings, jsonBody(), validBody(webhooks.webhookCreateRequest), createWebhook(deps));
  router.patch('/webhooks/:id', botSettings, jsonBody(), validBody(webhooks.webhookPatch), patchWebhook(deps));
  router.post('/webhooks/:id/rotate', botSettings, jsonBody(), validBody(webhooks.webhookRotateRequest), rotateWebhookSecret(deps));
  router.delete('/webhooks/:id', botSettings, deleteWebhook(deps));
  router.get('/webhooks/:id/attempts', botSettings, listWebhookAttempts(deps));
  router.post('/subjects/export', subjects, jsonBody(), validBody(protection.subjectRequest), exportForSubject(deps));
  router.post('/subjects/erase', subjects, jsonBody(), validBody(protection.subjectRequest), eraseForSubject(deps));
  // Reports (common/report-wire.ts): reports.read, with the bot asked for or every bot the caller may read.
  router.get('/reports', signedInOnly, ...getReport(deps));
  router.get('/reports/csv', signedInOnly, ...exportReportCsv(deps));
  return router;
}
