// Publishes through the official `pusher` SDK to Pusher Channels or soketi. The SDK is given the
// master key (`encryptionMasterKeyBase64`), so it seals `private-encrypted-` events itself before
// they leave the process: the hosted relay only ever stores and forwards ciphertext.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import Pusher from 'pusher';
import type { Publisher } from './publisher.ts';
import type { RealtimeConfig } from '../config/index.ts';

/** The relay's place and credentials, as configured; `masterKey` seals encrypted channels. */
type PusherPublisherOptions = Pick<RealtimeConfig, 'appId' | 'key' | 'secret' | 'host' | 'port' | 'useTLS'> &
  Partial<Pick<RealtimeConfig, 'cluster'>> & { masterKey: Uint8Array };

// A relay that stops answering must not hold a visitor's request (or /readyz) open forever.
const REQUEST_TIMEOUT_MS = 5_000;
const MAX_BODY_IN_ERROR = 200;

export function createPusherPublisher(opts: PusherPublisherOptions): Publisher {
  if (!(opts.masterKey instanceof Uint8Array) || opts.masterKey.length !== 32) {
    throw new Error('encryption master key must be 32 bytes');
  }
  const base = {
    appId: opts.appId,
    key: opts.key,
    secret: opts.secret,
    useTLS: opts.useTLS,
    timeout: REQUEST_TIMEOUT_MS,
    // Keep-alive: one TCP (and TLS) handshake for many publishes instead of one each.
    agent: opts.useTLS ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
    encryptionMasterKeyBase64: Buffer.from(opts.masterKey).toString('base64'),
  };
  const pusher =
    opts.host !== undefined
      ? new Pusher({ ...base, host: opts.host, ...(opts.port !== undefined ? { port: String(opts.port) } : {}) })
      : new Pusher({ ...base, cluster: opts.cluster ?? 'mt1' });

  return {
    async trigger(channel, event, data) {
      let response: Awaited<ReturnType<Pusher['trigger']>>;
      try {
        // The SDK validates names synchronously and throws; inside the try that becomes a rejection.
        response = await pusher.trigger(channel, event, data);
      } catch (error) {
        throw relayError('trigger', error);
      }
      const refusal = await refusalIn(response);
      if (refusal) throw new Error(`realtime relay refused the trigger: ${refusal}`);
    },
    async ready() {
      try {
        return (await refusalIn(await pusher.get({ path: '/channels' }))) === undefined;
      } catch {
        return false;
      }
    },
  };
}

interface RelayResponse {
  status: number;
  text(): Promise<string>;
}

/**
 * Why a response that reached us is a refusal, or undefined when it is a success. Besides non-2xx
 * statuses this catches soketi 1.x, whose HTTP API answers errors (bad signature, unknown app) with
 * status 200 and a body `{"error": "...", "code": 401}` because its CORS headers go out first.
 */
async function refusalIn(response: RelayResponse): Promise<string | undefined> {
  const body = await response.text();
  if (response.status < 200 || response.status > 299) return `HTTP ${response.status}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = parsed as { error?: unknown; code?: unknown } | null;
  if (typeof error?.error === 'string' && typeof error.code === 'number' && error.code >= 400) {
    return `HTTP ${error.code} (sent as ${response.status}): ${error.error.slice(0, MAX_BODY_IN_ERROR)}`;
  }
  return undefined;
}

/**
 * The SDK's RequestError carries the signed request URL; rebuild the error from status, body and
 * cause only, so nothing from the URL (key, signature) ends up in a log line or a 503 body.
 */
function relayError(action: string, error: unknown): Error {
  const details = error as {
    status?: unknown;
    body?: unknown;
    error?: { code?: unknown; type?: unknown; name?: unknown };
    message?: unknown;
  };
  if (typeof details.status === 'number') {
    const body = typeof details.body === 'string' ? `: ${details.body.slice(0, MAX_BODY_IN_ERROR)}` : '';
    return new Error(`realtime relay refused the ${action}: HTTP ${details.status}${body}`);
  }
  if (details.error) {
    // node-fetch's own message embeds the signed URL: report only its code (ECONNREFUSED, aborted…).
    const cause = [details.error.code, details.error.type, details.error.name].find((part) => typeof part === 'string');
    return new Error(`realtime relay unreachable during ${action}: ${cause ?? 'network error'}`);
  }
  // Our own validation (bad channel name, unserialisable data): its message is safe and useful.
  return new Error(`realtime ${action} failed: ${typeof details.message === 'string' ? details.message : String(error)}`);
}
