// The console contract (ConsoleStore, console-store.ts) both adapters are held to. Each adapter's
// console test file calls runConsoleContract with a function that opens a fresh, empty store.
import { createHash, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { freshStoreEach } from './fresh-store.ts';
import type { Store } from './store.ts';
import type { AuditEntry, ConsoleSession, ConsoleUser, Role } from './console-store.ts';
import { rejectionCode } from './store-contract.ts';
import type { NewUser, UserPatch } from './console-arguments.ts';
import { newId } from '../chat/ids.ts';
import { GENESIS_HASH, sealEntry, verifyChain } from '../audit/chain.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

/** What the server keeps of a token: its SHA-256, base64url. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export const newToken = (): string => randomBytes(32).toString('base64url');

/** What createUser takes for a fresh user with a unique id and e-mail. */
export function newUserInput(role: Role = 'operator'): NewUser {
  const id = newId();
  return {
    id,
    email: `${id}@example.com`,
    displayName: `User ${id}`,
    role,
    bots: ['demo'],
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    totpSecret: null,
    recoveryCodes: [],
    oidcSubject: null,
    disabled: false,
  };
}

/**
 * Stores a user with a console session and a one-time link, as the server would (hashes only),
 * and returns the tokens behind them: what the adapters' own tests then look for at rest.
 */
export async function storeSessionAndLink(store: Store): Promise<{ tokens: string[]; hashes: string[] }> {
  const user = await store.createUser(newUserInput());
  const tokens = [newToken(), newToken()];
  const hashes = tokens.map(tokenHash);
  const now = new Date();
  const later = new Date(now.getTime() + HOUR);
  await store.createConsoleSession({ idHash: hashes[0]!, userId: user.id, sessionVersion: 1, csrfToken: newToken(), createdAt: now, lastSeenAt: now, expiresAt: later });
  await store.createOneTimeToken({ tokenHash: hashes[1]!, userId: user.id, purpose: 'set-password', expiresAt: later });
  return { tokens, hashes };
}

export function runConsoleContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    const current = freshStoreEach(open);
    // Read in each case: the store is a new one per case.
    let store!: Store;
    beforeEach(() => {
      store = current();
    });

    function user(role: Role = 'operator', extra: Partial<ConsoleUser> = {}) {
      return store.createUser({ ...newUserInput(role), now: T0, ...extra });
    }

    function session(userId: string, extra: Partial<ConsoleSession> = {}): ConsoleSession {
      return {
        idHash: tokenHash(newToken()),
        userId,
        sessionVersion: 1,
        csrfToken: newToken(),
        createdAt: T0,
        lastSeenAt: T0,
        expiresAt: at(8 * HOUR),
        ...extra,
      };
    }

    const entry = (extra: Partial<Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>> = {}) => ({
      at: T0,
      actor: 'admin-1',
      action: 'login',
      target: null,
      outcome: 'ok' as const,
      ip: '192.0.2.1',
      details: {},
      ...extra,
    });

    async function wholeLog(): Promise<AuditEntry[]> {
      return store.listAudit({ limit: 10_000 });
    }

    describe('users', () => {
      it('creates a user and reads it back by id, e-mail and OpenID subject', async () => {
        const id = newId();
        const created = await store.createUser({
          id,
          email: 'Ann.Admin@Example.COM',
          displayName: 'Ann Admin',
          role: 'administrator',
          bots: ['demo', 'shop'],
          passwordHash: null,
          totpSecret: 'JBSWY3DPEHPK3PXP',
          recoveryCodes: ['$argon2id$one', '$argon2id$two'],
          oidcSubject: 'https://idp.example|ann',
          disabled: false,
          now: T0,
        });
        const expected: ConsoleUser = {
          id,
          email: 'ann.admin@example.com',
          displayName: 'Ann Admin',
          role: 'administrator',
          bots: ['demo', 'shop'],
          passwordHash: null,
          totpSecret: 'JBSWY3DPEHPK3PXP',
          recoveryCodes: ['$argon2id$one', '$argon2id$two'],
          oidcSubject: 'https://idp.example|ann',
          disabled: false,
          sessionVersion: 1,
          failedLogins: 0,
          lockedUntil: null,
          totpLastStep: null,
          pendingTotpSecret: null,
          pendingTotpExpiresAt: null,
          revealGranted: false,
          createdAt: T0,
          updatedAt: T0,
        };
        expect(created).toEqual(expected);
        expect(await store.getUser(id)).toEqual(expected);
        expect(await store.getUserByEmail('ann.admin@example.com')).toEqual(expected);
        expect(await store.getUserByEmail('ANN.ADMIN@EXAMPLE.COM')).toEqual(expected);
        expect(await store.getUserByOidcSubject('https://idp.example|ann')).toEqual(expected);
        expect(await store.listUsers()).toEqual([expected]);
      });

      it('returns null for unknown ids, addresses and subjects', async () => {
        await user();
        expect(await store.getUser(newId())).toBeNull();
        expect(await store.getUserByEmail('nobody@example.com')).toBeNull();
        expect(await store.getUserByOidcSubject('https://idp.example|nobody')).toBeNull();
      });

      it('refuses a second user with the same e-mail in any case, id or OpenID subject', async () => {
        const first = await user('administrator', { email: 'ann@example.com', oidcSubject: 'idp|ann' });
        expect(await rejectionCode(user('operator', { email: 'ANN@example.com' }))).toBe('duplicate_user');
        expect(await rejectionCode(user('operator', { id: first.id }))).toBe('duplicate_user');
        expect(await rejectionCode(user('operator', { oidcSubject: 'idp|ann' }))).toBe('duplicate_user');
        expect(await store.listUsers()).toEqual([first]);
        // Any number of users are unlinked.
        await user('operator');
        await user('operator');
        expect(await store.listUsers()).toHaveLength(3);
      });

      it('lists users ordered by e-mail', async () => {
        await user('operator', { email: 'carol@example.com' });
        await user('operator', { email: 'alice@example.com' });
        await user('operator', { email: 'bob@example.com' });
        expect((await store.listUsers()).map((u) => u.email)).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
      });

      it('refuses an unknown role, a non-list of bots and an empty e-mail, storing nothing', async () => {
        expect(await rejectionCode(user('root' as Role))).toBe('invalid_argument');
        expect(await rejectionCode(user('operator', { bots: 'demo' as unknown as string[] }))).toBe('invalid_argument');
        expect(await rejectionCode(user('operator', { email: '' }))).toBe('invalid_argument');
        expect(await rejectionCode(user('operator', { disabled: 'no' as unknown as boolean }))).toBe('invalid_argument');
        expect(await store.listUsers()).toEqual([]);
      });

      it('applies a patch and moves updatedAt, leaving the session version alone when no privilege changes', async () => {
        const created = await user('operator');
        const patched = await store.updateUser(
          created.id,
          { email: 'New@Example.com', displayName: 'Renamed', failedLogins: 3, lockedUntil: at(15 * MINUTE), totpSecret: 'ABC', recoveryCodes: ['$h'] },
          { now: at(MINUTE) },
        );
        const expected = {
          ...created,
          email: 'new@example.com',
          displayName: 'Renamed',
          failedLogins: 3,
          lockedUntil: at(15 * MINUTE),
          totpSecret: 'ABC',
          recoveryCodes: ['$h'],
          updatedAt: at(MINUTE),
        };
        expect(patched).toEqual(expected);
        expect(await store.getUser(created.id)).toEqual(expected);
        expect(await store.getUserByEmail('new@example.com')).toEqual(expected);
        const unlocked = await store.updateUser(created.id, { lockedUntil: null, failedLogins: 0 }, { now: at(2 * MINUTE) });
        expect(unlocked).toMatchObject({ lockedUntil: null, failedLogins: 0, sessionVersion: 1 });
      });

      it('starts without the grant to reveal personal data, and keeps it as set and cleared', async () => {
        const created = await user('supervisor');
        expect(created.revealGranted).toBe(false);
        expect(await store.updateUser(created.id, { revealGranted: true }, { now: at(MINUTE) })).toMatchObject({ revealGranted: true, sessionVersion: 1 });
        expect((await store.getUser(created.id))?.revealGranted).toBe(true);
        expect((await store.listUsers()).find((u) => u.id === created.id)?.revealGranted).toBe(true);
        await store.updateUser(created.id, { revealGranted: false }, { now: at(2 * MINUTE) });
        expect((await store.getUser(created.id))?.revealGranted).toBe(false);
        const code = await rejectionCode(store.updateUser(created.id, { revealGranted: 'yes' as unknown as boolean }));
        expect(code).toBe('invalid_argument');
        expect((await store.getUser(created.id))?.revealGranted).toBe(false);
      });

      it('links and unlinks an OpenID subject; a linked one is refused to a second user', async () => {
        const a = await user();
        const b = await user();
        await store.updateUser(a.id, { oidcSubject: 'idp|shared' });
        expect((await store.getUserByOidcSubject('idp|shared'))?.id).toBe(a.id);
        expect(await rejectionCode(store.updateUser(b.id, { oidcSubject: 'idp|shared' }))).toBe('duplicate_user');
        await store.updateUser(a.id, { oidcSubject: null });
        expect(await store.getUserByOidcSubject('idp|shared')).toBeNull();
        await store.updateUser(b.id, { oidcSubject: 'idp|shared' });
        expect((await store.getUserByOidcSubject('idp|shared'))?.id).toBe(b.id);
      });

      it('refuses to move a user onto a taken e-mail, changing nothing', async () => {
        await user('operator', { email: 'taken@example.com' });
        const other = await user('operator');
        expect(await rejectionCode(store.updateUser(other.id, { email: 'TAKEN@example.com', displayName: 'x' }))).toBe('duplicate_user');
        expect(await store.getUser(other.id)).toEqual(other);
      });

      it('returns null for a patch of an unknown user, creating nothing', async () => {
        expect(await store.updateUser(newId(), { displayName: 'ghost' }, { endSessions: true })).toBeNull();
        expect(await store.listUsers()).toEqual([]);
      });

      it('ignores fields a patch may not set (id, sessionVersion, createdAt)', async () => {
        const created = await user();
        const smuggled = { displayName: 'ok', id: 'other', sessionVersion: 99, createdAt: at(HOUR) } as unknown as { displayName: string };
        const patched = await store.updateUser(created.id, smuggled, { now: at(MINUTE) });
        expect(patched).toEqual({ ...created, displayName: 'ok', updatedAt: at(MINUTE) });
        expect(await store.getUser('other')).toBeNull();
      });

      it('with endSessions, bumps the session version and deletes that user\'s sessions only', async () => {
        const target = await user();
        const bystander = await user();
        const mine = [session(target.id), session(target.id)];
        const theirs = session(bystander.id);
        for (const s of [...mine, theirs]) await store.createConsoleSession(s);

        const patched = await store.updateUser(target.id, { disabled: true }, { endSessions: true, now: at(MINUTE) });
        expect(patched).toMatchObject({ disabled: true, sessionVersion: 2, updatedAt: at(MINUTE) });
        expect((await store.getUser(target.id))?.sessionVersion).toBe(2);
        for (const s of mine) expect(await store.getConsoleSession(s.idHash)).toBeNull();
        expect(await store.getConsoleSession(theirs.idHash)).toEqual(theirs);
        expect((await store.getUser(bystander.id))?.sessionVersion).toBe(1);

        // An empty patch with endSessions is "log out everywhere".
        expect((await store.updateUser(target.id, {}, { endSessions: true }))?.sessionVersion).toBe(3);
      });

      it('counts active administrators only: not disabled ones, not supervisors or operators', async () => {
        expect(await store.countActiveAdministrators()).toBe(0);
        const a = await user('administrator');
        await user('administrator');
        await user('administrator', { disabled: true });
        await user('supervisor');
        await user('operator');
        expect(await store.countActiveAdministrators()).toBe(2);
        await store.updateUser(a.id, { disabled: true });
        expect(await store.countActiveAdministrators()).toBe(1);
        await store.updateUser(a.id, { disabled: false, role: 'operator' });
        expect(await store.countActiveAdministrators()).toBe(1);
      });
    });

    describe('a change of privileges ends the sessions', () => {
      /** What a session was granted with: a session of one version must never see two of these. */
      const privileges = (u: ConsoleUser) => JSON.stringify([u.role, [...u.bots].sort(), u.disabled, u.passwordHash]);

      it('a patch that changes the role, the bots, disabled or the password bumps the session version and deletes the sessions, unasked', async () => {
        const u = await user('operator');
        const changes: UserPatch[] = [
          { role: 'supervisor' },
          { bots: ['demo', 'shop'] },
          { disabled: true },
          { disabled: false },
          { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$b3RoZXI$aGFzaA' },
          { role: 'operator', displayName: 'Demoted' },
          { passwordHash: null },
        ];
        let version = u.sessionVersion;
        for (const patch of changes) {
          const s = session(u.id, { sessionVersion: version });
          await store.createConsoleSession(s);
          const patched = await store.updateUser(u.id, patch, { now: at(MINUTE) });
          version += 1;
          expect([patch, patched?.sessionVersion, (await store.getUser(u.id))?.sessionVersion]).toEqual([patch, version, version]);
          expect([patch, await store.getConsoleSession(s.idHash)]).toEqual([patch, null]);
        }
        // Asked as well (a role change that is also "log out everywhere"): one bump, not two.
        expect((await store.updateUser(u.id, { role: 'supervisor' }, { endSessions: true }))?.sessionVersion).toBe(version + 1);
      });

      it('a patch that sets them to what they are, or changes other fields only, keeps the sessions', async () => {
        const u = await user('operator', { bots: ['demo', 'shop'] });
        const s = session(u.id);
        await store.createConsoleSession(s);
        const same: UserPatch[] = [
          { role: 'operator' },
          { bots: ['shop', 'demo'] },
          { disabled: false },
          { passwordHash: u.passwordHash },
          { displayName: 'Renamed', email: 'renamed@example.com', failedLogins: 2, lockedUntil: at(HOUR), totpSecret: 'JBSWY3DPEHPK3PXP', recoveryCodes: ['$h'], totpLastStep: 5 },
        ];
        for (const patch of same) expect([patch, (await store.updateUser(u.id, patch))?.sessionVersion]).toEqual([patch, 1]);
        expect(await store.getConsoleSession(s.idHash)).toEqual(s);
      });

      it('patches racing on one user never leave two privileges under one session version, round after round', async () => {
        for (let round = 0; round < 5; round++) {
          const u = await user('operator');
          const patches: UserPatch[] = [{ role: 'supervisor' }, { role: 'operator' }, { bots: ['shop'] }, { bots: ['demo'] }, { disabled: true }, { disabled: false }];
          const results = await Promise.all(patches.map((patch) => store.updateUser(u.id, patch)));
          // Every state the user was in: a session opened in one of them carries its version.
          const states = [u, ...results.map((r) => r!), (await store.getUser(u.id))!];
          const byVersion = new Map<number, Set<string>>();
          for (const state of states) byVersion.set(state.sessionVersion, (byVersion.get(state.sessionVersion) ?? new Set()).add(privileges(state)));
          const shared = [...byVersion].filter(([, seen]) => seen.size > 1).map(([version, seen]) => ({ version, privileges: [...seen] }));
          expect([round, shared]).toEqual([round, []]);
        }
      });
    });

    describe('second factor', () => {
      it('takes a TOTP step once: the same or an earlier step is refused, a later one taken', async () => {
        const u = await user('operator', { totpSecret: 'JBSWY3DPEHPK3PXP' });
        expect(await store.useTotpStep(u.id, 1000)).toBe(true);
        expect(await store.useTotpStep(u.id, 1000)).toBe(false);
        expect(await store.useTotpStep(u.id, 999)).toBe(false);
        expect((await store.getUser(u.id))?.totpLastStep).toBe(1000);
        expect(await store.useTotpStep(u.id, 1001)).toBe(true);
        expect((await store.getUser(u.id))?.totpLastStep).toBe(1001);
        expect(await store.useTotpStep(newId(), 5)).toBe(false);
        expect(await rejectionCode(store.useTotpStep(u.id, -1))).toBe('invalid_argument');
      });

      it('lets exactly one of 10 concurrent logins take the same TOTP step', async () => {
        const u = await user('operator', { totpSecret: 'JBSWY3DPEHPK3PXP' });
        const results = await Promise.all(Array.from({ length: 10 }, () => store.useTotpStep(u.id, 2000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('spends a whole window: a use of step s through s+1 refuses s+1 as well; the step after is taken', async () => {
        const u = await user('operator', { totpSecret: 'JBSWY3DPEHPK3PXP' });
        expect(await store.useTotpStep(u.id, 1000, 1001)).toBe(true);
        expect((await store.getUser(u.id))?.totpLastStep).toBe(1001);
        expect(await store.useTotpStep(u.id, 1001, 1002)).toBe(false);
        expect(await store.useTotpStep(u.id, 1000, 1001)).toBe(false);
        expect(await store.useTotpStep(u.id, 1002, 1003)).toBe(true);
        expect((await store.getUser(u.id))?.totpLastStep).toBe(1003);
        // A window is at most the step before and after the current one: `through` is 0 to 2 steps on.
        expect(await rejectionCode(store.useTotpStep(u.id, 2000, 1999))).toBe('invalid_argument');
        expect(await rejectionCode(store.useTotpStep(u.id, 2000, 2003))).toBe('invalid_argument');
        expect((await store.getUser(u.id))?.totpLastStep).toBe(1003);
      });

      it('lets exactly one of concurrent logins through per window, whichever of its steps their codes carry, round after round', async () => {
        for (let round = 0; round < 5; round++) {
          const u = await user('operator', { totpSecret: 'JBSWY3DPEHPK3PXP' });
          const now = 3000 + 10 * round; // the server's current step: codes of now-1, now and now+1 are accepted
          const steps = [now - 1, now, now + 1, now + 1, now, now - 1];
          const results = await Promise.all(steps.map((step) => store.useTotpStep(u.id, step, now + 1)));
          expect([round, results.filter(Boolean).length]).toEqual([round, 1]);
          expect((await store.getUser(u.id))?.totpLastStep).toBe(now + 1);
        }
      });

      it('uses a recovery code once, leaving the others', async () => {
        const u = await user('operator', { recoveryCodes: ['$argon2id$one', '$argon2id$two'] });
        expect(await store.useRecoveryCode(u.id, '$argon2id$one')).toBe(true);
        expect(await store.useRecoveryCode(u.id, '$argon2id$one')).toBe(false);
        expect(await store.useRecoveryCode(u.id, '$argon2id$three')).toBe(false);
        expect((await store.getUser(u.id))?.recoveryCodes).toEqual(['$argon2id$two']);
      });

      it('lets exactly one of 10 concurrent logins use the same recovery code', async () => {
        const u = await user('operator', { recoveryCodes: ['$argon2id$one', '$argon2id$two'] });
        const results = await Promise.all(Array.from({ length: 10 }, () => store.useRecoveryCode(u.id, '$argon2id$one')));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.getUser(u.id))?.recoveryCodes).toEqual(['$argon2id$two']);
      });

      it('keeps a pending TOTP secret with its expiry, and clears it', async () => {
        const u = await user();
        const pending = await store.updateUser(u.id, { pendingTotpSecret: 'KRSXG5CTMVRXEZLU', pendingTotpExpiresAt: at(10 * MINUTE) });
        expect(pending).toMatchObject({ pendingTotpSecret: 'KRSXG5CTMVRXEZLU', pendingTotpExpiresAt: at(10 * MINUTE), totpSecret: null });
        expect(await store.getUser(u.id)).toMatchObject({ pendingTotpSecret: 'KRSXG5CTMVRXEZLU', pendingTotpExpiresAt: at(10 * MINUTE) });
        const enrolled = await store.updateUser(u.id, { totpSecret: 'KRSXG5CTMVRXEZLU', pendingTotpSecret: null, pendingTotpExpiresAt: null });
        expect(enrolled).toMatchObject({ totpSecret: 'KRSXG5CTMVRXEZLU', pendingTotpSecret: null, pendingTotpExpiresAt: null, totpLastStep: null });
      });

      it('forgets the last TOTP step when the secret changes, so a new secret starts fresh', async () => {
        const u = await user('operator', { totpSecret: 'JBSWY3DPEHPK3PXP' });
        await store.useTotpStep(u.id, 3000);
        await store.updateUser(u.id, { totpSecret: null, totpLastStep: null });
        expect((await store.getUser(u.id))?.totpLastStep).toBeNull();
      });
    });

    describe('the last active administrator', () => {
      it('cannot be disabled or demoted: last_administrator, nothing written, sessions kept', async () => {
        const a = await user('administrator');
        await user('administrator', { disabled: true });
        await user('operator');
        const s = session(a.id);
        await store.createConsoleSession(s);
        for (const patch of [{ disabled: true }, { role: 'supervisor' as const }, { role: 'operator' as const, displayName: 'x' }]) {
          expect(await rejectionCode(store.updateUser(a.id, patch, { endSessions: true }))).toBe('last_administrator');
        }
        expect(await store.getUser(a.id)).toEqual(a);
        expect(await store.getConsoleSession(s.idHash)).toEqual(s);
        // Other changes of the last administrator, and anything with another active one, go through.
        expect(await store.updateUser(a.id, { displayName: 'Still here', role: 'administrator', disabled: false })).toMatchObject({ displayName: 'Still here' });
        const b = await user('administrator');
        expect(await store.updateUser(a.id, { role: 'operator' }, { endSessions: true })).toMatchObject({ role: 'operator', sessionVersion: 2 });
        expect(await rejectionCode(store.updateUser(b.id, { disabled: true }))).toBe('last_administrator');
        expect(await store.countActiveAdministrators()).toBe(1);
      });

      it('is never lost to two administrators demoting or disabling each other at once, round after round', async () => {
        const a = await user('administrator');
        const b = await user('administrator');
        for (let round = 0; round < 10; round++) {
          const patch = round % 2 === 0 ? { role: 'operator' as const } : { disabled: true };
          const undo = round % 2 === 0 ? { role: 'administrator' as const } : { disabled: false };
          const outcomes = await Promise.allSettled([store.updateUser(a.id, patch, { endSessions: true }), store.updateUser(b.id, patch, { endSessions: true })]);
          expect([round, await store.countActiveAdministrators()]).toEqual([round, 1]);
          const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o.reason as { code?: string }).code);
          expect(refused).toEqual(['last_administrator']);
          const changed = outcomes[0]!.status === 'fulfilled' ? a : b;
          await store.updateUser(changed.id, undo);
          expect(await store.countActiveAdministrators()).toBe(2);
        }
      });
    });

    describe('single sign-on link', () => {
      it('links a subject to a user linked to nothing yet; another subject is refused, the same one is the same link', async () => {
        const u = await user();
        const linked = await store.linkOidcSubject(u.id, 'https://idp.example|ann', at(MINUTE));
        expect(linked).toEqual({ ...u, oidcSubject: 'https://idp.example|ann', updatedAt: at(MINUTE) });
        expect(await store.getUserByOidcSubject('https://idp.example|ann')).toEqual(linked);
        expect(await store.linkOidcSubject(u.id, 'https://idp.example|bob', at(2 * MINUTE))).toBeNull();
        expect(await store.linkOidcSubject(u.id, 'https://idp.example|ann', at(2 * MINUTE))).toEqual(linked);
        expect(await store.getUser(u.id)).toEqual(linked);
        expect(await store.linkOidcSubject(newId(), 'https://idp.example|carl')).toBeNull();
        // A subject belongs to one user; once unlinked, the user may be linked afresh.
        const other = await user();
        expect(await rejectionCode(store.linkOidcSubject(other.id, 'https://idp.example|ann'))).toBe('duplicate_user');
        await store.updateUser(u.id, { oidcSubject: null });
        expect((await store.linkOidcSubject(u.id, 'https://idp.example|bob'))?.oidcSubject).toBe('https://idp.example|bob');
        expect((await store.linkOidcSubject(other.id, 'https://idp.example|ann'))?.oidcSubject).toBe('https://idp.example|ann');
      });

      it('lets exactly one of 10 concurrent first links with different subjects win, round after round', async () => {
        for (let round = 0; round < 5; round++) {
          const u = await user();
          const subjects = Array.from({ length: 10 }, (_, i) => `https://idp.example|r${round}-${i}`);
          const results = await Promise.all(subjects.map((subject) => store.linkOidcSubject(u.id, subject)));
          const winners = results.filter((r) => r !== null);
          expect([round, winners.length]).toEqual([round, 1]);
          const stored = await store.getUser(u.id);
          expect(stored?.oidcSubject).toBe(winners[0]!.oidcSubject);
          for (const subject of subjects) expect((await store.getUserByOidcSubject(subject))?.id ?? null).toBe(subject === stored?.oidcSubject ? u.id : null);
        }
      });

      it('lets every one of concurrent links with the same subject in', async () => {
        const u = await user();
        const results = await Promise.all(Array.from({ length: 5 }, () => store.linkOidcSubject(u.id, 'https://idp.example|same')));
        expect(results.map((r) => r?.oidcSubject)).toEqual(Array(5).fill('https://idp.example|same'));
      });
    });

    describe('console settings', () => {
      it('start with no second factor required, and keep what is set', async () => {
        expect(await store.getConsoleSettings()).toEqual({ requireTotp: false, updatedAt: null });
        expect(await store.setConsoleSettings({ requireTotp: true }, at(MINUTE))).toEqual({ requireTotp: true, updatedAt: at(MINUTE) });
        expect(await store.getConsoleSettings()).toEqual({ requireTotp: true, updatedAt: at(MINUTE) });
        expect(await store.setConsoleSettings({ requireTotp: false }, at(2 * MINUTE))).toEqual({ requireTotp: false, updatedAt: at(2 * MINUTE) });
        expect(await store.getConsoleSettings()).toEqual({ requireTotp: false, updatedAt: at(2 * MINUTE) });
      });

      it('refuse a setting that is not a boolean, changing nothing', async () => {
        expect(await rejectionCode(store.setConsoleSettings({ requireTotp: 'yes' as unknown as boolean }, T0))).toBe('invalid_argument');
        expect(await store.getConsoleSettings()).toEqual({ requireTotp: false, updatedAt: null });
      });
    });

    describe('one-time tokens', () => {
      it('gives the user id to the first consumer and null to every later one', async () => {
        const u = await user();
        const hash = tokenHash(newToken());
        await store.createOneTimeToken({ tokenHash: hash, userId: u.id, purpose: 'set-password', expiresAt: at(24 * HOUR) });
        expect(await store.consumeOneTimeToken(hash, 'set-password', at(MINUTE))).toEqual({ userId: u.id });
        expect(await store.consumeOneTimeToken(hash, 'set-password', at(2 * MINUTE))).toBeNull();
      });

      it('lets exactly one of 10 concurrent consumers win', async () => {
        const u = await user();
        const hash = tokenHash(newToken());
        await store.createOneTimeToken({ tokenHash: hash, userId: u.id, purpose: 'reset-password', expiresAt: at(HOUR) });
        const results = await Promise.all(Array.from({ length: 10 }, () => store.consumeOneTimeToken(hash, 'reset-password', at(MINUTE))));
        expect(results.filter((r) => r !== null)).toEqual([{ userId: u.id }]);
      });

      it('refuses a token at and after its expiry, and for good', async () => {
        const u = await user();
        const expiring = tokenHash(newToken());
        const justInTime = tokenHash(newToken());
        await store.createOneTimeToken({ tokenHash: expiring, userId: u.id, purpose: 'set-password', expiresAt: at(HOUR) });
        await store.createOneTimeToken({ tokenHash: justInTime, userId: u.id, purpose: 'set-password', expiresAt: at(HOUR) });
        expect(await store.consumeOneTimeToken(justInTime, 'set-password', at(HOUR - 1))).toEqual({ userId: u.id });
        expect(await store.consumeOneTimeToken(expiring, 'set-password', at(HOUR))).toBeNull();
        // Spent by the refused attempt: even a clock set back does not bring it back.
        expect(await store.consumeOneTimeToken(expiring, 'set-password', T0)).toBeNull();
      });

      it('refuses a token for the wrong purpose without spending it', async () => {
        const u = await user();
        const hash = tokenHash(newToken());
        await store.createOneTimeToken({ tokenHash: hash, userId: u.id, purpose: 'set-password', expiresAt: at(HOUR) });
        expect(await store.consumeOneTimeToken(hash, 'reset-password', at(MINUTE))).toBeNull();
        expect(await store.consumeOneTimeToken(hash, 'set-password', at(MINUTE))).toEqual({ userId: u.id });
      });

      it('keeps a single sign-on waiting for its second factor as a token of its own purpose, used once', async () => {
        const u = await user();
        const hash = tokenHash(newToken());
        await store.createOneTimeToken({ tokenHash: hash, userId: u.id, purpose: 'sso-second-factor', expiresAt: at(5 * MINUTE) });
        expect(await store.consumeOneTimeToken(hash, 'set-password', at(MINUTE))).toBeNull();
        const results = await Promise.all(Array.from({ length: 5 }, () => store.consumeOneTimeToken(hash, 'sso-second-factor', at(MINUTE))));
        expect(results.filter(Boolean)).toEqual([{ userId: u.id }]);
      });

      it('refuses a token for an unknown user, an unknown purpose, or a hash that is not one', async () => {
        const u = await user();
        const hash = tokenHash(newToken());
        expect(await rejectionCode(store.createOneTimeToken({ tokenHash: hash, userId: newId(), purpose: 'set-password', expiresAt: at(HOUR) }))).toBe('unknown_user');
        expect(await rejectionCode(store.createOneTimeToken({ tokenHash: hash, userId: u.id, purpose: 'login' as 'set-password', expiresAt: at(HOUR) }))).toBe('invalid_argument');
        expect(await rejectionCode(store.createOneTimeToken({ tokenHash: 'short', userId: u.id, purpose: 'set-password', expiresAt: at(HOUR) }))).toBe('invalid_argument');
        expect(await rejectionCode(store.consumeOneTimeToken({ $ne: null } as unknown as string, 'set-password', T0))).toBe('invalid_argument');
        expect(await store.consumeOneTimeToken(hash, 'set-password', T0)).toBeNull();
      });
    });

    describe('console sessions', () => {
      it('round-trips a session; touch moves lastSeenAt forward only', async () => {
        const u = await user();
        const s = session(u.id);
        await store.createConsoleSession(s);
        expect(await store.getConsoleSession(s.idHash)).toEqual(s);
        await store.touchConsoleSession(s.idHash, at(5 * MINUTE));
        expect(await store.getConsoleSession(s.idHash)).toEqual({ ...s, lastSeenAt: at(5 * MINUTE) });
        await store.touchConsoleSession(s.idHash, at(MINUTE)); // a late, slower request
        expect((await store.getConsoleSession(s.idHash))?.lastSeenAt).toEqual(at(5 * MINUTE));
        await store.touchConsoleSession(tokenHash('unknown'), at(MINUTE)); // nothing to touch: no error
        expect(await store.getConsoleSession(tokenHash('unknown'))).toBeNull();
      });

      it('deletes one session, and all of a user\'s sessions with their count', async () => {
        const u = await user();
        const other = await user();
        const [a, b, c] = [session(u.id), session(u.id), session(other.id)];
        for (const s of [a, b, c]) await store.createConsoleSession(s);
        await store.deleteConsoleSession(a.idHash);
        expect(await store.getConsoleSession(a.idHash)).toBeNull();
        expect(await store.getConsoleSession(b.idHash)).toEqual(b);
        expect(await store.deleteUserSessions(u.id)).toBe(1);
        expect(await store.deleteUserSessions(u.id)).toBe(0);
        expect(await store.getConsoleSession(b.idHash)).toBeNull();
        expect(await store.getConsoleSession(c.idHash)).toEqual(c);
        expect((await store.getUser(u.id))?.sessionVersion).toBe(1); // deleting sessions is not a version bump
      });

      it('clears sessions past their absolute expiry when the next one is created', async () => {
        const u = await user();
        const old = session(u.id, { createdAt: T0, lastSeenAt: T0, expiresAt: at(HOUR) });
        const live = session(u.id, { createdAt: T0, lastSeenAt: T0, expiresAt: at(3 * HOUR) });
        await store.createConsoleSession(old);
        await store.createConsoleSession(live);
        await store.createConsoleSession(session(u.id, { createdAt: at(2 * HOUR), lastSeenAt: at(2 * HOUR), expiresAt: at(10 * HOUR) }));
        expect(await store.getConsoleSession(old.idHash)).toBeNull();
        expect(await store.getConsoleSession(live.idHash)).toEqual(live);
      });

      it('refuses a session of an unknown user or whose id is not a hash', async () => {
        const u = await user();
        expect(await rejectionCode(store.createConsoleSession(session(newId())))).toBe('unknown_user');
        const token = newToken();
        expect(await rejectionCode(store.createConsoleSession(session(u.id, { idHash: `${token}!` })))).toBe('invalid_argument');
        expect(await rejectionCode(store.createConsoleSession(session(u.id, { sessionVersion: -1 })))).toBe('invalid_argument');
        expect(await rejectionCode(store.createConsoleSession(session(u.id, { expiresAt: new Date(NaN) })))).toBe('invalid_argument');
        expect(await store.deleteUserSessions(u.id)).toBe(0);
      });
    });

    describe('audit log', () => {
      it('seals the first entry on 64 zeros and each next one on the entry before', async () => {
        const first = await store.appendAudit(entry({ details: { method: 'password', attempts: 1, totp: true } }));
        expect(first).toEqual(sealEntry(null, entry({ details: { method: 'password', attempts: 1, totp: true } })));
        expect(first.seq).toBe(1);
        expect(first.prevHash).toBe(GENESIS_HASH);
        const second = await store.appendAudit(entry({ action: 'logout', at: at(MINUTE) }));
        expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
        expect(await wholeLog()).toEqual([first, second]);
      });

      it('gives 30 concurrent appends seq 1..30 and one unbroken chain', async () => {
        const appended = await Promise.all(Array.from({ length: 30 }, (_, i) => store.appendAudit(entry({ action: `action.${i}` }))));
        const log = await wholeLog();
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
        expect(verifyChain(log)).toBeNull();
        expect(new Set(log.map((e) => e.prevHash)).size).toBe(30);
        // What each append returned is what was stored under its seq.
        for (const e of appended) expect(log[e.seq - 1]).toEqual(e);
      });

      it('lists ascending by seq, after afterSeq, at most limit, filtered by actor, action and time', async () => {
        const actions = ['login', 'user.create', 'login', 'conversation.view', 'login'];
        for (const [i, action] of actions.entries()) {
          await store.appendAudit(entry({ action, actor: i % 2 === 0 ? 'ann' : 'bob', at: at(i * MINUTE) }));
        }
        const seqs = (list: AuditEntry[]) => list.map((e) => e.seq);
        expect(seqs(await store.listAudit({ limit: 2 }))).toEqual([1, 2]);
        expect(seqs(await store.listAudit({ afterSeq: 2, limit: 2 }))).toEqual([3, 4]);
        expect(seqs(await store.listAudit({ afterSeq: 4, limit: 100 }))).toEqual([5]);
        expect(seqs(await store.listAudit({ afterSeq: 5, limit: 100 }))).toEqual([]);
        expect(seqs(await store.listAudit({ limit: 0 }))).toEqual([]);
        expect(seqs(await store.listAudit({ actor: 'bob', limit: 100 }))).toEqual([2, 4]);
        expect(seqs(await store.listAudit({ action: 'login', limit: 100 }))).toEqual([1, 3, 5]);
        expect(seqs(await store.listAudit({ action: 'login', actor: 'ann', afterSeq: 1, limit: 1 }))).toEqual([3]);
        expect(seqs(await store.listAudit({ from: at(MINUTE), to: at(3 * MINUTE), limit: 100 }))).toEqual([2, 3]);
        expect(seqs(await store.listAudit({ from: at(3 * MINUTE), limit: 100 }))).toEqual([4, 5]);
        expect(seqs(await store.listAudit({ to: at(MINUTE), limit: 100 }))).toEqual([1]);
        expect(seqs(await store.listAudit({ actor: 'nobody', limit: 100 }))).toEqual([]);
      });

      it('refuses a bad entry or query with invalid_argument, appending nothing', async () => {
        const bad = [
          entry({ outcome: 'maybe' as 'ok' }),
          entry({ action: '' }),
          entry({ at: new Date(NaN) }),
          entry({ details: { nested: { personal: 'value' } } as unknown as Record<string, string> }),
          entry({ details: { n: Number.NaN } }),
          entry({ details: ['x'] as unknown as Record<string, string> }),
        ];
        for (const e of bad) expect(await rejectionCode(store.appendAudit(e)), JSON.stringify(e)).toBe('invalid_argument');
        expect(await rejectionCode(store.listAudit({ limit: -1 }))).toBe('invalid_argument');
        expect(await rejectionCode(store.listAudit({ limit: 10, afterSeq: 1.5 }))).toBe('invalid_argument');
        expect(await rejectionCode(store.listAudit({ limit: 10, from: new Date(NaN) }))).toBe('invalid_argument');
        expect(await wholeLog()).toEqual([]);
        expect((await store.appendAudit(entry())).seq).toBe(1);
      });

      it('stores text as it reads back, so hashes hold: a lone surrogate becomes U+FFFD before sealing', async () => {
        const odd = await store.appendAudit(entry({ action: 'x\uD800y', details: { 'k\uDC00': 'v\uD800' } }));
        expect(odd.action).toBe('x\uFFFDy');
        expect(odd.details).toEqual({ 'k\uFFFD': 'v\uFFFD' });
        const log = await wholeLog();
        expect(log).toEqual([odd]);
        expect(verifyChain(log)).toBeNull();
      });

      it('survives deleting and sweeping conversations: the log is not conversation data', async () => {
        const id = newId();
        await store.createConversation({ id, botId: 'demo', visitorId: 'v', origin: 'https://site.example', now: T0 });
        await store.appendAudit(entry({ action: 'conversation.view', target: id }));
        await store.appendAudit(entry({ action: 'conversation.erase', target: id }));
        const before = await wholeLog();
        expect(await store.deleteConversation(id)).toBe(true);
        await store.sweep({ botId: 'demo', messageTtlMs: 0, valueTtlMs: 0, inactiveAfterMs: 0 }, at(HOUR));
        expect(await wholeLog()).toEqual(before);
        expect(verifyChain(before)).toBeNull();
      });
    });

    describe('hostile strings are data, never query', () => {
      const hostile = ['{"$gt":""}', "x' OR '1'='1", "'); DROP TABLE users; --", '$where', 'a.b', '\u0000nul'];

      it('stores and finds operator- and SQL-shaped users literally', async () => {
        for (const [i, s] of hostile.entries()) {
          const created = await user('operator', { email: `${s}${i}@example.com`, displayName: s, bots: [s], oidcSubject: `idp|${s}` });
          expect(await store.getUserByEmail(`${s}${i}@example.com`)).toEqual(created);
          expect(await store.getUserByOidcSubject(`idp|${s}`)).toEqual(created);
        }
        expect(await store.listUsers()).toHaveLength(hostile.length);
        expect(await store.getUserByEmail('{"$gt":""}')).toBeNull();
        expect(await store.getUserByOidcSubject('{"$gt":""}')).toBeNull();
      });

      it('coerces objects smuggled past the types into strings: they match nothing', async () => {
        const admin = await user('administrator');
        await store.createConsoleSession(session(admin.id));
        const operator = { $gt: '' } as unknown as string;
        expect(await store.getUser(operator)).toBeNull();
        expect(await store.getUserByEmail(operator)).toBeNull();
        expect(await store.getUserByOidcSubject({ $ne: null } as unknown as string)).toBeNull();
        expect(await store.updateUser(operator, { role: 'administrator' })).toBeNull();
        expect(await store.deleteUserSessions(operator)).toBe(0);
        expect(await store.listAudit({ limit: 10, actor: operator, action: { $ne: '' } as unknown as string })).toEqual([]);
      });

      it('stores and filters the audit log by operator- and SQL-shaped text literally', async () => {
        for (const s of hostile) {
          await store.appendAudit(entry({ actor: s, action: s, target: s, ip: s, details: { [s]: s } }));
        }
        const log = await wholeLog();
        expect(log.map((e) => [e.actor, e.action, e.target, e.ip, e.details])).toEqual(hostile.map((s) => [s, s, s, s, { [s]: s }]));
        expect(verifyChain(log)).toBeNull();
        for (const [i, s] of hostile.entries()) {
          expect((await store.listAudit({ limit: 100, actor: s })).map((e) => e.seq)).toEqual([i + 1]);
          expect((await store.listAudit({ limit: 100, action: s })).map((e) => e.seq)).toEqual([i + 1]);
        }
      });
    });
  });
}
