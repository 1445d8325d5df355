// The visitor API's routes (app.ts registers them), health checks and this document's own route,
// for the OpenAPI document. Request schemas are the ones the routes validate with (common/wire-schemas.ts).
import { z } from 'zod';
import { channelAuthorization, historyResponse, liveness, ratingResponse, readiness, sendResponse, sessionResponse } from '../../../common/wire-schemas.ts';
import { subjectExport } from '../../../common/data-protection-wire-schemas.ts';
import { channelAuthRequest, historyQuery, ratingRequest, sendRequest, sessionRequest, typingRequest } from '../../../common/wire-schemas.ts';
import { empty, failure, json, type ApiRoute } from './route-table.ts';

export const OPENAPI_PATH = '/api/v1/openapi.json';

export const visitorRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/api/v1/sessions',
    summary: 'Start a conversation with a bot, or resume the one a token names',
    caller: 'anyone',
    json: sessionRequest,
    rateLimited: true,
    answers: {
      200: json(sessionResponse, 'Resumed: the conversation the `resume` token named, with a fresh token'),
      201: json(sessionResponse, 'A new conversation (a new chat is charged to the IP)'),
      403: failure('`origin_not_allowed`: the host page may not embed this bot, or the call is not from the chat frame; `bot_disabled`'),
      404: failure('`unknown_bot`'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/realtime/auth',
    summary: "Sign a subscription to the token's own encrypted conversation channel (pusher-js's auth request)",
    caller: 'visitor',
    form: channelAuthRequest,
    rateLimited: true,
    answers: {
      200: json(channelAuthorization, 'The signature and the channel’s shared secret'),
      403: failure('`forbidden_channel`: any channel but the token’s own'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/messages',
    summary: 'Send a message (text, or a quick reply’s action); the bot answers on the channel',
    caller: 'visitor',
    json: sendRequest,
    rateLimited: true,
    answers: { 202: json(sendResponse, 'Stored; a retried `clientId` gets the stored message back') },
  },
  {
    method: 'get',
    path: '/api/v1/messages',
    summary: 'The conversation’s messages after `after`, ascending',
    caller: 'visitor',
    query: historyQuery,
    answers: { 200: json(historyResponse, 'Messages in id order') },
  },
  {
    method: 'post',
    path: '/api/v1/typing',
    summary: 'The visitor starts or stops typing (told to the operator holding the conversation)',
    caller: 'visitor',
    json: typingRequest,
    rateLimited: true,
    answers: { 204: empty('Told, or no one holds the conversation') },
  },
  {
    method: 'post',
    path: '/api/v1/rating',
    summary: 'Rate the conversation’s latest resolved handover, once',
    caller: 'visitor',
    json: ratingRequest,
    rateLimited: true,
    answers: {
      201: json(ratingResponse, 'Rated'),
      409: failure('`nothing_to_rate`: no resolved handover, or it is rated already'),
    },
  },
  {
    method: 'delete',
    path: '/api/v1/conversation',
    summary: 'Delete the token’s conversation, live or archived (a token expired less than TOKEN_RENEW_WINDOW ago still counts)',
    caller: 'visitor',
    answers: { 204: empty('Deleted; the token stops working') },
  },
  {
    method: 'get',
    path: '/api/v1/conversation/export',
    summary: 'The visitor’s own conversation as the export document (audience `visitor`), as a download',
    caller: 'visitor',
    answers: { 200: json(subjectExport, 'The export document (Content-Disposition: attachment)') },
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    caller: 'anyone',
    answers: { 200: json(liveness, 'Alive') },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: store, realtime relay and key store answer',
    caller: 'anyone',
    answers: {
      200: json(readiness, 'Ready: every check `true`'),
      503: json(readiness, 'Unavailable: the failing checks `false`'),
    },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    summary: 'This document',
    caller: 'anyone',
    answers: {
      200: json(z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document' }), 'The OpenAPI document (cacheable; with an ETag)'),
      304: empty('Not modified since the ETag given in If-None-Match'),
    },
  },
];
