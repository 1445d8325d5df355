// One-time links (invitation, first administrator, password reset): a random token in the link's
// fragment, only its SHA-256 in the store, single use and 24 h. The fragment (`#set-password=`)
// never reaches a server log or a Referer header; the console app reads it and posts it.
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleStore, OneTimePurpose } from '../store/console-store.ts';

export const LINK_LIFETIME_MS = 24 * 3_600_000;

/** What the store keeps in the token's place. */
export function linkTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface IssuedLink {
  link: string;
  expiresAt: Date;
}

/** Stores a fresh token for `userId` and returns the console link that carries it. */
export async function issueLink(
  store: Pick<ConsoleStore, 'createOneTimeToken'>,
  input: { userId: string; purpose: Extract<OneTimePurpose, 'set-password' | 'reset-password'>; publicUrl: string; now: Date },
): Promise<IssuedLink> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + LINK_LIFETIME_MS);
  await store.createOneTimeToken({ tokenHash: linkTokenHash(token), userId: input.userId, purpose: input.purpose, expiresAt });
  return { link: `${new URL('/console/', input.publicUrl).href}#${input.purpose}=${token}`, expiresAt };
}
