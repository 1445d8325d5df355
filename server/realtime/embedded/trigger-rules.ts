// The limits Pusher documents for triggering an event, shared by the HTTP API and in-process
// publish so an event that passes here also passes on Pusher Channels or soketi.
import { channelKind, isValidChannelName, isValidEventName, isValidSocketId } from './names.ts';

const MAX_CHANNELS_PER_TRIGGER = 100;
export const MAX_DATA_BYTES = 10 * 1024;
export const MAX_BATCH_EVENTS = 10;

export interface Trigger {
  channels: string[];
  name: string;
  data: string;
  socketId?: string;
}

/** Why a trigger is refused, as an HTTP status and a message. */
interface TriggerProblem {
  status: 400 | 413;
  message: string;
}

export function checkTrigger(t: Trigger): TriggerProblem | undefined {
  if (!Array.isArray(t.channels) || t.channels.length === 0) return { status: 400, message: 'at least one channel is required' };
  if (t.channels.length > MAX_CHANNELS_PER_TRIGGER) {
    return { status: 400, message: `at most ${MAX_CHANNELS_PER_TRIGGER} channels per event` };
  }
  for (const channel of t.channels) {
    if (!isValidChannelName(channel)) return { status: 400, message: 'invalid channel name' };
  }
  if (t.channels.length > 1 && t.channels.some((c) => channelKind(c) === 'encrypted')) {
    return { status: 400, message: 'an event on an encrypted channel must name that one channel only' };
  }
  if (!isValidEventName(t.name)) return { status: 400, message: 'event name must be 1 to 200 characters' };
  if (typeof t.data !== 'string') return { status: 400, message: 'data must be a string' };
  if (Buffer.byteLength(t.data, 'utf8') > MAX_DATA_BYTES) {
    return { status: 413, message: `event data must be at most ${MAX_DATA_BYTES} bytes` };
  }
  if (t.socketId !== undefined && !isValidSocketId(t.socketId)) return { status: 400, message: 'invalid socket_id' };
  return undefined;
}
