// JSON logs that never carry message text, PII or secrets.
//
// Two layers, because either alone leaks:
//  - pino's `redact` removes whole fields by name (tokens, cookies, message text, collected
//    values) wherever they sit up to three levels deep;
//  - a `streamWrite` hook scrubs every string in the finished line (message, bindings, serializer
//    output, error stacks) for e-mail addresses, phone numbers, Luhn-valid card numbers and tokens,
//    flattens CR/LF so a value cannot start a forged log line in a text viewer, and cuts every
//    string to MAX_LOGGED_STRING characters. The scrubbing is linear in the line's length (see
//    scrub.ts), so no value a client sends can make logging stall the event loop.
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubJsonLine } from './scrub.ts';

/** Field names whose values are never logged, at any of the first three levels. */
const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'token',
  'password',
  'secret',
  'shared_secret',
  'sharedSecret',
  'auth',
  'text',
  'value',
  'values',
  'body',
  'email',
  'phone',
  'name',
  'identity',
  'resume',
] as const;

function redactPaths(keys: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    const top = plain ? key : `["${key}"]`;
    const nested = plain ? `.${key}` : `["${key}"]`;
    paths.push(top, `*${nested}`, `*.*${nested}`);
  }
  return paths;
}

interface LoggerOptions {
  level: string;
  destination?: NodeJS.WritableStream | { write(s: string): void };
}

export function createLogger(opts: LoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths(REDACTED_KEYS), censor: '[Redacted]' },
    hooks: { streamWrite: scrubJsonLine },
  };
  return opts.destination ? pino(options, opts.destination as DestinationStream) : pino(options);
}
