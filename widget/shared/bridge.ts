// The host page ↔ chat frame postMessage protocol. Both sides import this file; every message is
// a small object tagged `parley: 1` so unrelated postMessage traffic on the host page is ignored.
// On purpose nothing here carries message text: the host page must not be able to read the
// conversation, so the frame only reports that something happened, never what was said.
import { SENDERS, type Sender } from '../../common/wire.ts';
import { HEX_COLOUR } from './colour.ts';

export type FrameToHost =
  | { parley: 1; type: 'ready' }
  | { parley: 1; type: 'close' }
  | { parley: 1; type: 'message'; id: number; sender: Sender }
  | { parley: 1; type: 'conversation'; active: boolean };

export type HostToFrame =
  | { parley: 1; type: 'open' }
  | { parley: 1; type: 'hidden' }
  | { parley: 1; type: 'config'; colour: string | null };


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the message if `data` is a well-formed frame → host message, otherwise null. */
export function parseFrameToHost(data: unknown): FrameToHost | null {
  if (!isRecord(data) || data.parley !== 1) return null;
  switch (data.type) {
    case 'ready':
    case 'close':
      return { parley: 1, type: data.type };
    case 'message':
      if (!Number.isSafeInteger(data.id) || typeof data.sender !== 'string' || !(SENDERS as readonly string[]).includes(data.sender)) return null;
      return { parley: 1, type: 'message', id: data.id as number, sender: data.sender as Sender };
    case 'conversation':
      return typeof data.active === 'boolean' ? { parley: 1, type: 'conversation', active: data.active } : null;
    default:
      return null;
  }
}

/** Returns the message if `data` is a well-formed host → frame message, otherwise null. */
export function parseHostToFrame(data: unknown): HostToFrame | null {
  if (!isRecord(data) || data.parley !== 1) return null;
  switch (data.type) {
    case 'open':
    case 'hidden':
      return { parley: 1, type: data.type };
    case 'config': {
      const colour = data.colour;
      if (colour === null) return { parley: 1, type: 'config', colour: null };
      return typeof colour === 'string' && HEX_COLOUR.test(colour) ? { parley: 1, type: 'config', colour } : null;
    }
    default:
      return null;
  }
}

/** `value` is exactly an origin (scheme://host[:port]) as `event.origin` would report it. */
export function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}
