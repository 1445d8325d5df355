// The console API's routes (routes/console/router.ts registers them), for the OpenAPI document.
// Request and answer schemas are common/*-wire-schemas.ts: the routes validate with the same objects.
import { z } from 'zod';
import * as wire from '../../../common/console-wire-schemas.ts';
import * as handover from '../../../common/handover-wire-schemas.ts';
import * as browse from '../../../common/conversations-wire-schemas.ts';
import * as protection from '../../../common/data-protection-wire-schemas.ts';
import * as reports from '../../../common/report-wire-schemas.ts';
import * as webhooks from '../../../common/webhooks-wire-schemas.ts';
import { channelAuthorization, realtimeClientConfig } from '../../../common/wire-schemas.ts';
import { channelAuthRequest, typingRequest } from '../../../common/wire-schemas.ts';
import { CONSOLE_PREFIX } from '../routes/console/router.ts';
import { empty, failure, json, redirect, type ApiRoute, type Method } from './route-table.ts';

type ConsoleRoute = Omit<ApiRoute, 'method' | 'path' | 'caller'> & Partial<Pick<ApiRoute, 'caller'>>;

/** A console route: under the console's prefix, for a signed-in caller unless it says otherwise. */
const route = (method: Method, path: string, rest: ConsoleRoute): ApiRoute => ({ method, path: `${CONSOLE_PREFIX}${path}`, caller: 'console', ...rest });

const handoverParams = z.object({ id: z.string().meta({ description: 'A handover id' }) });
const webhookParams = z.object({ id: z.string().meta({ description: 'A webhook id' }) });
const unknownWebhook = failure('`not_found`');
const notHolder = failure('`not_holder`: unknown, closed, another bot’s, or not held by the caller (one answer for all)');

export const consoleRoutes: ApiRoute[] = [
  route('post', '/session', {
    summary: 'Sign in with e-mail and password (and a second factor)',
    caller: 'sessionless',
    json: wire.loginRequest,
    rateLimited: true,
    answers: {
      200: json(wire.sessionInfo, 'Signed in: the session cookie is set'),
      401: failure('`invalid_credentials` (unknown, wrong password, disabled or locked: one answer); `totp_required`'),
    },
  }),
  route('get', '/session', { summary: 'The signed-in session', answers: { 200: json(wire.sessionInfo, 'The session') } }),
  route('delete', '/session', { summary: 'Sign out: this session ends server-side', answers: { 204: empty('Signed out') } }),
  route('post', '/session/end-all', { summary: 'End every session of this user, this one too', answers: { 204: empty('Every session ended') } }),
  route('post', '/password', {
    summary: 'Change the password (every other session ends)',
    json: wire.changePasswordRequest,
    answers: {
      200: json(wire.sessionInfo, 'Changed; a new session cookie'),
      400: failure('`weak_password`, `invalid_request`'),
      403: failure('`wrong_password`: the current password is not right'),
    },
  }),
  route('post', '/password/set', {
    summary: 'Set a password from a one-time link (an invitation or a reset)',
    caller: 'sessionless',
    json: wire.setPasswordRequest,
    answers: { 204: empty('Set'), 400: failure('`weak_password`, `invalid_link`, `invalid_request`') },
  }),
  route('post', '/password/reset', {
    summary: 'Ask for a password-reset link (the same answer whatever the address)',
    caller: 'sessionless',
    json: wire.resetRequest,
    rateLimited: true,
    answers: { 202: json(wire.nothingToSay, 'Accepted; a known account is mailed a link') },
  }),
  route('post', '/totp/enroll', {
    summary: 'Offer a new TOTP secret',
    answers: { 200: json(wire.totpEnrolment, 'The secret and its otpauth URI'), 409: failure('`totp_enrolled`') },
  }),
  route('post', '/totp/confirm', {
    summary: 'Confirm the TOTP secret with a code; the recovery codes, shown once',
    json: wire.totpConfirmRequest,
    answers: { 200: json(wire.recoveryCodes, 'Enrolled'), 400: failure('`invalid_code`, `invalid_request`'), 409: failure('`totp_enrolled`') },
  }),
  route('get', '/users', { summary: 'Every console user (administrators)', answers: { 200: json(wire.userList, 'The users') } }),
  route('post', '/users', {
    summary: 'Invite a user (the same answer whatever the address; administrators)',
    json: wire.inviteRequest,
    answers: { 202: json(wire.nothingToSay, 'Accepted; a new or still pending address is mailed a link') },
  }),
  route('patch', '/users/:id', {
    summary: 'Change a user’s role, bots, disabled, lock or reveal grant (administrators)',
    json: wire.userPatch,
    params: z.object({ id: wire.userIdParam }),
    answers: {
      200: json(wire.consoleUserView, 'The user as changed'),
      400: failure('`invalid_request`, `not_grantable`'),
      404: failure('`not_found`'),
      409: failure('`last_administrator`'),
    },
  }),
  route('get', '/audit', { summary: 'A page of the audit log (administrators)', query: wire.auditQuery, answers: { 200: json(wire.auditPage, 'Entries in order') } }),
  route('get', '/audit/export', {
    summary: 'The whole audit log as JSON lines (administrators)',
    answers: { 200: { description: 'One AuditEntry per line, as a download', mediaType: 'application/x-ndjson', schema: z.string() } },
  }),
  route('get', '/sso', { summary: 'Whether the sign-in screen offers single sign-on', caller: 'anyone', answers: { 200: json(wire.ssoInfo, 'SSO offered or not') } }),
  route('get', '/sso/start', {
    summary: 'Go to the identity provider',
    caller: 'anyone',
    rateLimited: true,
    answers: { 302: redirect('To the identity provider'), 404: failure('`not_found`: single sign-on is not configured') },
  }),
  route('get', '/sso/callback', {
    summary: 'The identity provider’s answer: signed in, a second factor to give, or `/console/#sso-error=<code>`',
    caller: 'anyone',
    rateLimited: true,
    answers: { 302: redirect('To `/console/` signed in, `/console/#sso-second-factor`, or `/console/#sso-error=<code>`'), 404: failure('`not_found`: single sign-on is not configured') },
  }),
  route('post', '/sso/second-factor', {
    summary: 'The code that finishes a single sign-on (the pending sign-in’s cookie, no session)',
    caller: 'sessionless',
    json: wire.ssoSecondFactorRequest,
    rateLimited: true,
    answers: {
      200: json(wire.sessionInfo, 'Signed in: the session cookie is set'),
      401: failure('`sso_expired`; `invalid_credentials` (wrong code, locked, disabled)'),
    },
  }),
  route('get', '/settings', { summary: 'Console-wide settings (administrators)', answers: { 200: json(wire.consoleSettings, 'The settings') } }),
  route('patch', '/settings', {
    summary: 'Change console-wide settings (administrators)',
    json: wire.settingsPatch,
    answers: { 200: json(wire.consoleSettings, 'The settings as changed'), 409: failure('`totp_not_enrolled`: requiring TOTP without having it') },
  }),

  // The live handover (common/handover-wire.ts).
  route('get', '/handovers', { summary: 'Handovers of the caller’s bots, newest first', query: handover.handoverListQuery, answers: { 200: json(handover.handoverList, 'The handovers') } }),
  route('get', '/handovers/:id', {
    summary: 'One handover, its transcript masked (audited)',
    params: handoverParams,
    answers: { 200: json(handover.handoverDetail, 'The handover'), 403: notHolder },
  }),
  route('post', '/handovers/:id/take', {
    summary: 'Take a waiting handover',
    params: handoverParams,
    answers: { 200: json(handover.handoverView, 'Taken (or already the caller’s)'), 403: notHolder, 409: failure('`already_taken`: someone else won') },
  }),
  route('post', '/handovers/:id/reassign', {
    summary: 'Give a handover to another operator (supervisors, administrators)',
    params: handoverParams,
    json: handover.reassignRequest,
    answers: {
      200: json(handover.handoverView, 'Reassigned'),
      400: failure('`invalid_operator`, `invalid_request`'),
      403: notHolder,
      409: failure('`already_taken`'),
    },
  }),
  route('post', '/handovers/:id/resolve', {
    summary: 'End a handover with a resolution code',
    params: handoverParams,
    json: handover.resolveRequest,
    answers: { 200: json(handover.handoverView, 'Resolved'), 403: notHolder },
  }),
  route('post', '/handovers/:id/messages', {
    summary: 'Write to the visitor (the holder)',
    params: handoverParams,
    json: handover.operatorMessageRequest,
    rateLimited: true,
    answers: { 201: json(handover.operatorMessageResponse, 'Stored and published; a retried `clientId` gets the stored message'), 403: notHolder },
  }),
  route('post', '/handovers/:id/notes', {
    summary: 'Add an internal note (the holder)',
    params: handoverParams,
    json: handover.noteRequest,
    rateLimited: true,
    answers: { 201: json(handover.noteResponse, 'Stored'), 403: notHolder },
  }),
  route('post', '/handovers/:id/typing', {
    summary: 'The holder starts or stops typing',
    params: handoverParams,
    json: typingRequest,
    rateLimited: true,
    answers: { 204: empty('Told'), 403: notHolder },
  }),
  route('post', '/handovers/:id/reveal', {
    summary: 'The conversation unmasked, with a reason (audited)',
    params: handoverParams,
    json: handover.revealRequest,
    answers: { 200: json(handover.revealedValues, 'Unmasked'), 403: notHolder },
  }),
  route('get', '/bots/:bot/canned-replies', {
    summary: 'A bot’s canned replies in a language',
    query: handover.cannedRepliesQuery,
    answers: { 200: json(handover.cannedReplies, 'The replies') },
  }),
  route('put', '/presence', { summary: 'The console’s heartbeat: available or not', json: handover.presenceRequest, answers: { 200: json(handover.presenceView, 'Online until expiresAt') } }),
  route('get', '/realtime', { summary: 'Where the console’s pusher-js connects', answers: { 200: json(realtimeClientConfig, 'The relay and the console’s auth endpoint') } }),
  route('post', '/realtime/auth', {
    summary: 'Sign a subscription to a queue or conversation channel the caller may follow',
    json: channelAuthRequest,
    rateLimited: true,
    answers: { 200: json(channelAuthorization, 'Signed'), 403: failure('`forbidden_channel`') },
  }),

  // The conversation browser (common/conversations-wire.ts).
  route('get', '/conversations', { summary: 'Conversations of the bots the caller browses, newest first', query: browse.conversationListQuery, answers: { 200: json(browse.conversationPage, 'A page') } }),
  route('get', '/conversations/filters', { summary: 'What the browser’s filters may be set to', answers: { 200: json(browse.browseFilters, 'The filters') } }),
  route('get', '/conversations/:id', {
    summary: 'One conversation, masked (audited)',
    answers: { 200: json(browse.conversationDetail, 'The conversation'), 404: failure('`not_found`: unknown, archived or another bot’s (one answer)') },
  }),
  route('post', '/conversations/:id/reveal', {
    summary: 'The conversation unmasked, with a reason (audited)',
    json: handover.revealRequest,
    answers: { 200: json(handover.revealedValues, 'Unmasked'), 404: failure('`not_found`') },
  }),

  // Data protection (common/data-protection-wire.ts).
  route('get', '/bot-settings', { summary: 'Every bot’s data-protection settings (administrators)', answers: { 200: json(protection.botSettingsList, 'The settings') } }),
  route('get', '/bot-settings/:bot', {
    summary: 'A bot’s data-protection settings (administrators)',
    answers: { 200: json(protection.botSettingsView, 'The settings'), 404: failure('`unknown_bot`') },
  }),
  route('put', '/bot-settings/:bot', {
    summary: 'Save a bot’s data-protection settings (administrators)',
    json: protection.saveBotSettingsRequest,
    answers: {
      200: json(protection.botSettingsView, 'Saved; in force on every instance within a second'),
      400: failure('`invalid_settings` (names the field), `invalid_request`'),
      404: failure('`unknown_bot`'),
      409: failure('`settings_changed`: saved by someone else since'),
    },
  }),
  route('post', '/subjects/export', {
    summary: 'Export everything about a conversation or a verified visitor (administrators)',
    json: protection.subjectRequest,
    answers: { 200: json(protection.subjectExport, 'The export document (Content-Disposition: attachment)'), 404: failure('`nothing_found`') },
  }),
  route('post', '/subjects/erase', {
    summary: 'Erase everything about a conversation or a verified visitor (administrators)',
    json: protection.subjectRequest,
    answers: { 200: json(protection.erasureResult, 'Erased'), 404: failure('`nothing_found`') },
  }),

  // Webhooks (common/webhooks-wire.ts), administrators.
  route('get', '/webhooks', { summary: 'Every webhook (administrators)', answers: { 200: json(webhooks.webhookList, 'The webhooks, without secrets') } }),
  route('post', '/webhooks', {
    summary: 'Add a webhook to a bot (administrators)',
    json: webhooks.webhookCreateRequest,
    answers: {
      201: json(webhooks.webhookWithSecret, 'Added; its secret is shown this once'),
      400: failure('`invalid_request` (a target the address policy refuses says why), `unknown_bot`'),
    },
  }),
  route('patch', '/webhooks/:id', {
    summary: 'Change a webhook’s target, events or whether it is enabled (administrators)',
    params: webhookParams,
    json: webhooks.webhookPatch,
    answers: { 200: json(webhooks.webhookAnswer, 'Changed'), 400: failure('`invalid_request`'), 404: unknownWebhook },
  }),
  route('post', '/webhooks/:id/rotate', {
    summary: 'A new secret; the previous one signs too until the overlap ends (administrators)',
    params: webhookParams,
    json: webhooks.webhookRotateRequest,
    answers: { 200: json(webhooks.webhookWithSecret, 'Rotated; the new secret is shown this once'), 404: unknownWebhook },
  }),
  route('delete', '/webhooks/:id', { summary: 'Delete a webhook and what it still owed (administrators)', params: webhookParams, answers: { 204: empty('Deleted'), 404: unknownWebhook } }),
  route('get', '/webhooks/:id/attempts', {
    summary: 'A webhook’s latest delivery attempts (administrators)',
    params: webhookParams,
    answers: { 200: json(webhooks.webhookAttempts, 'Newest first, never a body'), 404: unknownWebhook },
  }),

  // Reports (common/report-wire.ts).
  route('get', '/reports', { summary: 'A report over UTC days', query: reports.reportQuery, answers: { 200: json(reports.reportView, 'The report') } }),
  route('get', '/reports/csv', {
    summary: 'One table of a report as CSV',
    query: reports.reportCsvQuery,
    answers: { 200: { description: 'The table, as a download', mediaType: 'text/csv', schema: z.string() } },
  }),
];
