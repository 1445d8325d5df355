// Names on the wire: channels, events and socket ids, with the limits Pusher documents.
import { randomInt } from 'node:crypto';
import { CHANNEL_NAME_PATTERN } from '../../../common/ids.ts';

/** The only socket_id shape Pusher issues; anything else could smuggle a `:` into a signed string. */
const SOCKET_ID = /^\d+\.\d+$/;

const MAX_EVENT_NAME_LENGTH = 200;

export function isValidChannelName(name: unknown): boolean {
  return typeof name === 'string' && CHANNEL_NAME_PATTERN.test(name);
}

export function isValidSocketId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= 64 && SOCKET_ID.test(id);
}

export function isValidEventName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_EVENT_NAME_LENGTH;
}

export type ChannelKind = 'public' | 'private' | 'encrypted' | 'presence';

export function channelKind(channel: string): ChannelKind {
  if (channel.startsWith('private-encrypted-')) return 'encrypted';
  if (channel.startsWith('private-')) return 'private';
  if (channel.startsWith('presence-')) return 'presence';
  return 'public';
}

/** A fresh `<digits>.<digits>` id; both halves random so ids say nothing about load or order. */
export function newSocketId(): string {
  return `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
}
