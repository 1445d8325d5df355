// `npm run parley -- create-admin <email>`: the first administrator, who has no one to invite them.
// The account starts without a password; the printed link sets it (24 h, once).
import { newId } from '../chat/ids.ts';
import { storeErrorCode } from '../store/errors.ts';
import type { ConsoleStore } from '../store/console-store.ts';
import { recordAudit } from '../audit/record.ts';
import { issueLink, type IssuedLink } from './one-time-links.ts';

export type CreateAdminResult = { created: true; link: IssuedLink } | { created: false };

export async function createAdministrator(
  store: ConsoleStore,
  input: { email: string; publicUrl: string; now?: Date },
): Promise<CreateAdminResult> {
  const now = input.now ?? new Date();
  let userId: string;
  try {
    const user = await store.createUser({
      id: newId(),
      email: input.email,
      displayName: input.email.split('@')[0] ?? input.email,
      role: 'administrator',
      bots: [],
      passwordHash: null,
      totpSecret: null,
      recoveryCodes: [],
      oidcSubject: null,
      disabled: false,
      now,
    });
    userId = user.id;
  } catch (err) {
    if (storeErrorCode(err) !== 'duplicate_user') throw err;
    await recordAudit(store, { at: now, action: 'user.create', outcome: 'failed', details: { via: 'cli', role: 'administrator', reason: 'exists' } });
    return { created: false };
  }
  const link = await issueLink(store, { userId, purpose: 'set-password', publicUrl: input.publicUrl, now });
  await recordAudit(store, { at: now, action: 'user.create', target: userId, outcome: 'ok', details: { via: 'cli', role: 'administrator' } });
  return { created: true, link };
}
