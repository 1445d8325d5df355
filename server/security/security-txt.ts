// GET /.well-known/security.txt (RFC 9116): where researchers report vulnerabilities.
// Contact and expiry come from configuration; bad values fail at startup, not in front of a
// researcher.
import type { Middleware } from 'koa';
import createError from 'http-errors';

const SECURITY_TXT_PATH = '/.well-known/security.txt';
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

interface SecurityTxtOptions {
  /** A mailto:, https: or tel: URI (RFC 9116 §2.5.3). */
  contact: string;
  /** When the file goes stale; RFC 9116 asks for less than a year ahead. */
  expires: Date;
  /** The https URL this file is served at (RFC 9116 §2.5.2). */
  canonicalUrl: string;
  /** Clock for validation; defaults to the real one. */
  now?: Date;
}

export class SecurityTxtConfigError extends Error {
  override name = 'SecurityTxtConfigError';
}

/** Values end up as lines of the file: a CR/LF would let them add fields of their own. */
function singleLine(name: string, value: string): string {
  const hasControl = [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  if (hasControl || value.trim() === '') {
    throw new SecurityTxtConfigError(`security.txt ${name} must be one non-empty line`);
  }
  return value.trim();
}

function parseUrl(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new SecurityTxtConfigError(`security.txt ${name} is not a URI: ${JSON.stringify(value)}`);
  }
}

export function renderSecurityTxt(opts: SecurityTxtOptions): string {
  const now = opts.now ?? new Date();
  const contact = singleLine('contact', opts.contact);
  if (!['mailto:', 'https:', 'tel:'].includes(parseUrl('contact', contact).protocol)) {
    throw new SecurityTxtConfigError('security.txt contact must be a mailto:, https: or tel: URI');
  }
  const canonical = parseUrl('canonicalUrl', singleLine('canonicalUrl', opts.canonicalUrl));
  if (!['https:', 'http:'].includes(canonical.protocol) || canonical.pathname !== SECURITY_TXT_PATH) {
    throw new SecurityTxtConfigError(`security.txt canonicalUrl must be an http(s) URL ending in ${SECURITY_TXT_PATH}`);
  }
  const expiresMs = opts.expires.getTime();
  if (!Number.isFinite(expiresMs)) throw new SecurityTxtConfigError('security.txt expires is not a valid date');
  if (expiresMs <= now.getTime()) throw new SecurityTxtConfigError('security.txt expires is in the past');
  if (expiresMs - now.getTime() > ONE_YEAR_MS) {
    throw new SecurityTxtConfigError('security.txt expires must be less than a year ahead (RFC 9116 §2.5.5)');
  }
  return [
    `Contact: ${contact}`,
    `Expires: ${opts.expires.toISOString()}`,
    `Canonical: ${canonical.href}`,
    'Preferred-Languages: en',
    '',
  ].join('\n');
}

export function securityTxt(opts: SecurityTxtOptions): Middleware {
  const body = renderSecurityTxt(opts);
  return async (ctx, next) => {
    if (ctx.path !== SECURITY_TXT_PATH) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      throw createError(405, 'Use GET', { code: 'method_not_allowed', headers: { Allow: 'GET, HEAD' } });
    }
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = body;
  };
}
