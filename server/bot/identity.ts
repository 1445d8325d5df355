// Visitor identity: the site's backend vouches for a visitor with a compact JWS (HS256) signed with
// the bot's secret; the widget passes it along and the engine reads who (`sub`), at what level and
// until when (`exp`). The server seals all three into the visitor token, so the level ends with the
// identity and stays with its person.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify } from 'jose';
import type { VisitorIdentity } from './engine.ts';
import { BotDefinitionError } from './errors.ts';
import { durationMs } from '../config/duration.ts';
import { ensureDataDir } from '../config/data-dir.ts';

/** Identities are meant to be minted per page load; anything living longer than this is refused. */
export const MAX_IDENTITY_LIFETIME_MS = 24 * 3_600_000;
const MIN_SECRET_LENGTH = 32;
const ALGORITHM = 'HS256';
const MAX_IDENTITY_LENGTH = 4096;
/** A subject is sealed into every visitor token of its conversation; keep it an id, not a document. */
const MAX_SUBJECT_LENGTH = 256;

export type VerifiedLevel = VisitorIdentity['level'];

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
  const ttlMs = typeof ttl === 'number' ? ttl : durationMs(ttl);
  if (ttlMs === undefined || ttlMs <= 0) throw new TypeError(`signVisitorIdentity: bad ttl ${JSON.stringify(ttl)}`);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ level: claims.level })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.max(1, Math.round(ttlMs / 1000)))
    .sign(keyOf(secret));
}

/** Who an identity names, at what level, until when; null for anything missing, forged, expired or malformed. */
export async function verifyVisitorIdentity(
  secret: string | Uint8Array | undefined,
  identity: string | undefined,
): Promise<VisitorIdentity | null> {
  if (!secret || typeof identity !== 'string' || identity.length === 0 || identity.length > MAX_IDENTITY_LENGTH) {
    return null;
  }
  try {
    const { payload } = await jwtVerify(identity, keyOf(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'sub'],
    });
    const expiresAt = new Date((payload.exp as number) * 1000);
    if (expiresAt.getTime() - Date.now() > MAX_IDENTITY_LIFETIME_MS) return null;
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > MAX_SUBJECT_LENGTH) return null;
    if (payload.level !== 'verified' && payload.level !== 'premium') return null;
    return { sub: payload.sub, level: payload.level, expiresAt };
  } catch {
    return null;
  }
}

const warnedBots = new Set<string>();

/**
 * The bot's identity secret: from the named environment variable when set, else from
 * `<dataDir>/identity-<botId>.secret`, generated (mode 0600) on first use — but never for a
 * deployment whose instances share data (`sharedBy` names why): each instance would make its own,
 * and an identity the site signed would hold on one instance and not on the next.
 */
export function resolveIdentitySecret(opts: {
  botId: string;
  envName: string | undefined;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  sharedBy?: string[];
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
  if (opts.sharedBy?.length) {
    throw new BotDefinitionError(
      `bot "${opts.botId}": ${opts.sharedBy.join(', ')} means several instances share data, so its identity secret cannot be generated: ` +
        `set ${opts.envName ?? 'identitySecretEnv in the bot definition, and that variable'}`,
    );
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
