// Visitor identity: the site's backend vouches for a visitor with a compact JWS (HS256) signed with
// the bot's secret; the widget passes it along and the engine turns it into an access level.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import type { AccessLevel } from './engine.ts';
import { BotDefinitionError } from './errors.ts';
import { parseDuration } from './duration.ts';
import { ensureDataDir } from '../config/data-dir.ts';

/** Identities are meant to be minted per page load; anything living longer than this is refused. */
export const MAX_IDENTITY_LIFETIME_MS = 24 * 3_600_000;
const MIN_SECRET_LENGTH = 32;
const ALGORITHM = 'HS256';
const MAX_IDENTITY_LENGTH = 4096;

export type VerifiedLevel = Exclude<AccessLevel, 'public'>;

function keyOf(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

/**
 * Signs an identity as the site's backend would (demo pages and tests). `ttl` is milliseconds or
 * a duration such as "10m".
 */
export async function signVisitorIdentity(
  secret: string | Uint8Array,
  claims: { sub: string; level: VerifiedLevel },
  ttl: number | string = '10m',
): Promise<string> {
  const ttlMs = typeof ttl === 'number' ? ttl : parseDuration(ttl);
  if (ttlMs === undefined || ttlMs <= 0) throw new TypeError(`signVisitorIdentity: bad ttl ${JSON.stringify(ttl)}`);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ level: claims.level })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.max(1, Math.round(ttlMs / 1000)))
    .sign(keyOf(secret));
}

/** The level an identity grants, or 'public' for anything missing, forged, expired or malformed. */
export async function verifyVisitorIdentity(
  secret: string | Uint8Array | undefined,
  identity: string | undefined,
): Promise<AccessLevel> {
  if (!secret || typeof identity !== 'string' || identity.length === 0 || identity.length > MAX_IDENTITY_LENGTH) {
    return 'public';
  }
  try {
    const { payload } = await jwtVerify(identity, keyOf(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'sub'],
    });
    const exp = payload.exp as number;
    if (exp * 1000 - Date.now() > MAX_IDENTITY_LIFETIME_MS) return 'public';
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) return 'public';
    return payload.level === 'verified' || payload.level === 'premium' ? payload.level : 'public';
  } catch {
    return 'public';
  }
}

const warnedBots = new Set<string>();

/**
 * The bot's identity secret: from the named environment variable when set, else from
 * `<dataDir>/identity-<botId>.secret`, generated (mode 0600) on first use.
 */
export function resolveIdentitySecret(opts: {
  botId: string;
  envName: string | undefined;
  env: NodeJS.ProcessEnv;
  dataDir: string;
}): string {
  const fromEnv = opts.envName ? opts.env[opts.envName] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_SECRET_LENGTH) {
      throw new BotDefinitionError(
        `environment ${opts.envName}: identity secret of bot "${opts.botId}" must be at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    return fromEnv;
  }
  const file = join(opts.dataDir, `identity-${opts.botId}.secret`);
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch {
    ensureDataDir(opts.dataDir);
    secret = randomBytes(32).toString('base64url');
    // 'wx': never overwrite a secret another process wrote meanwhile.
    try {
      writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      secret = readFileSync(file, 'utf8').trim();
    }
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new BotDefinitionError(`${file}: identity secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (!warnedBots.has(opts.botId)) {
    warnedBots.add(opts.botId);
    console.warn(
      `parley: bot "${opts.botId}" signs visitor identities with the generated secret in ${file}; ` +
        `deployments should set ${opts.envName ?? 'identitySecretEnv in the bot definition'}`,
    );
  }
  return secret;
}
