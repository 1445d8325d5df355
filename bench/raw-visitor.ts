// A visitor for load benches, without a browser or pusher-js: one raw `ws` socket speaking
// protocol 7 (what pusher-js sends, with the frame's Origin), yet the whole path a real visitor
// takes: the session over HTTP, channel auth through Parley's endpoint, the channel's sealed
// events opened with the shared secret it hands out. Thousands fit in one process, so a bench
// measures the server and not its clients.
import WebSocket from 'ws';
import type { ChatMessage, SessionResponse } from '../common/wire.ts';
import { openEventData } from '../server/realtime/channel-crypto.ts';
import { authorize, openSession } from '../test/helpers/visitor-api.ts';
import { newReplyWatch, noteMessage, type ReplyWatch } from './visitor-turn.ts';

export interface RawVisitor extends ReplyWatch {
  session: SessionResponse;
  /** Ends the socket on purpose (a visitor leaving); a close not asked for goes to onTrouble. */
  leave(): void;
}

interface Frame {
  event: string;
  channel?: string;
  data?: unknown;
}

const SUBSCRIBE_WITHIN_MS = 15_000;

/** Opens a conversation and subscribes to its channel; `onTrouble` hears of a socket lost or an event that would not open. */
export async function rawVisitor(url: string, onTrouble: (what: string) => void): Promise<RawVisitor> {
  const session = await openSession(url);
  const rt = session.realtime;
  const ws = new WebSocket(`ws://${rt.wsHost}:${rt.wsPort}/app/${rt.key}?protocol=7&client=js&version=8.6.0&flash=false`, {
    headers: { Origin: new URL(url).origin },
    perMessageDeflate: false,
  });
  let leaving = false;
  let secret: Uint8Array | undefined;
  const visitor: RawVisitor = {
    session,
    ...newReplyWatch(),
    leave() {
      leaving = true;
      ws.close();
    },
  };
  const frames = (data: WebSocket.RawData) => JSON.parse(String(data)) as Frame;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not subscribed within 15 s')), SUBSCRIBE_WITHIN_MS);
      const fail = (err: Error) => (clearTimeout(timer), reject(err));
      ws.on('error', fail);
      ws.on('close', (code) => fail(new Error(`socket closed with ${code} before subscribing`)));
      ws.on('message', (data) => {
        const frame = frames(data);
        if (frame.event === 'pusher:connection_established') {
          const socketId = (JSON.parse(frame.data as string) as { socket_id: string }).socket_id;
          authorize(url, session.token, socketId, session.channel).then((res) => {
            if (res.status !== 200) return fail(new Error(`channel auth answered ${res.status}`));
            const grant = res.body as { auth: string; shared_secret: string };
            secret = new Uint8Array(Buffer.from(grant.shared_secret, 'base64'));
            ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: session.channel, auth: grant.auth } }));
          }, fail);
        } else if (frame.event === 'pusher_internal:subscription_succeeded') {
          clearTimeout(timer);
          resolve();
        } else if (frame.event === 'pusher:subscription_error' || frame.event === 'pusher:error') {
          fail(new Error(`${frame.event}: ${JSON.stringify(frame.data)}`));
        }
      });
    });
  } catch (err) {
    ws.terminate();
    throw err;
  }
  ws.removeAllListeners();
  ws.on('error', (err) => onTrouble(`socket error: ${err.message}`));
  ws.on('close', (code) => leaving || onTrouble(`socket closed with ${code}`));
  ws.on('message', (data) => {
    const frame = frames(data);
    // The server pings a socket silent for its activity timeout; pusher-js answers, so do we.
    if (frame.event === 'pusher:ping') return ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
    if (frame.event !== 'message' || frame.channel !== session.channel) return;
    try {
      noteMessage(visitor, openEventData(secret!, frame.data as string) as ChatMessage);
    } catch (err) {
      onTrouble(`event did not open: ${(err as Error).message}`);
    }
  });
  return visitor;
}
