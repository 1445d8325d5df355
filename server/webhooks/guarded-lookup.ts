// Where a webhook request may connect. The name is resolved once, every address it resolves to is
// checked (address-policy.ts), and the connection goes to a checked address: this function is the
// `lookup` of the request itself, so no second resolution can hand the socket another address
// (DNS rebinding). A literal IP in the URL never reaches a lookup (Node connects to it directly),
// so it is checked before the request (targetRefusal). An administrator's allowed host:port
// (WEBHOOK_ALLOWED_TARGETS) skips the address check for that host and port only.
import { isIP, type LookupFunction } from 'node:net';
import { lookup as systemLookup } from 'node:dns/promises';
import { isForbiddenAddress } from './address-policy.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has: the system resolver, or a test's. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: ResolveHost = async (hostname) =>
  (await systemLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export class TargetRefused extends Error {
  override name = 'TargetRefused';
}

/** `host:port` as WEBHOOK_ALLOWED_TARGETS lists it: lower case, the scheme's port when none is given, IPv6 in brackets. */
export function hostPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Why a webhook URL may not be used at all (before any lookup), or null. */
export function targetRefusal(url: URL, allowed: ReadonlySet<string>): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http and https targets';
  if (url.username || url.password) return 'no credentials in the URL';
  if (allowed.has(hostPort(url))) return null;
  const host = bareHost(url);
  if (isIP(host) && isForbiddenAddress(host)) return 'a loopback, private, link-local or reserved address';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a loopback name';
  return null;
}

/** The request's `lookup`: resolve, refuse when any address is forbidden (unless allowed), connect to a checked one. */
export function guardedLookup(url: URL, allowed: ReadonlySet<string>, resolve: ResolveHost): LookupFunction {
  const skipCheck = allowed.has(hostPort(url));
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 4);
        // Every address, not only the first: a name with one public and one private address would
        // otherwise reach the private one whenever the connection falls back to it.
        if (!skipCheck && addresses.some((a) => isForbiddenAddress(a.address))) {
          return callback(new TargetRefused('the name resolves to a forbidden address'), '', 4);
        }
        if (options.all) return (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, addresses);
        const first = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0]!;
        callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}
