// The console side of the MongoDB adapter (ConsoleStore, console-store.ts), with single-document
// writes only (no transactions: FerretDB has none). What must happen exactly once is decided by a
// write whose outcome only one caller can get: an insert under a unique index (one append per audit
// seq, one use per TOTP step or recovery code, one first SSO link per user, one holder of the lease
// around a change of privileges and its last-administrator check) or a deleteOne's count (one consumer per one-time token).
// Conditional updates and findAndModify would do on MongoDB, but FerretDB 1.24 runs them as
// read-then-write, and the console contract measured several winners with both (see docs/design.md).
import mongoose from 'mongoose';
import type { AuditEntry, ConsoleSession, ConsoleSettingsRecord, ConsoleStore, ConsoleUser } from './console-store.ts';
import type { AuditDoc, ConsoleSessionDoc, ConsoleSettingsDoc, Models, OneTimeTokenDoc, SecondFactorUseDoc, SsoLinkDoc, UserDoc } from './mongo-models.ts';
import * as check from './console-arguments.ts';
import type { AuditInput } from './console-arguments.ts';
import { checkDate } from './arguments.ts';
import { storeError } from './errors.ts';
import { isDuplicateKey } from './mongo.ts';
import { sealEntry } from '../audit/chain.ts';
import { isActiveAdministrator, lastAdministrator, mayRemoveAdministrator } from './last-administrator.ts';
import { withLease } from './mongo-leases.ts';
import { changesPrivileges, touchesPrivileges } from './privilege-change.ts';
import { parseJsonColumn } from './rows.ts';

const { trusted } = mongoose;

const oidcKey = (id: string, subject: string | null): string => (subject === null ? `none:${id}` : `oidc:${subject}`);

function userFromDoc(doc: UserDoc): ConsoleUser {
  return {
    id: doc._id,
    email: doc.email,
    displayName: doc.displayName,
    role: doc.role,
    bots: [...doc.bots],
    passwordHash: doc.passwordHash ?? null,
    totpSecret: doc.totpSecret ?? null,
    recoveryCodes: [...doc.recoveryCodes],
    oidcSubject: doc.oidcSubject ?? null,
    disabled: doc.disabled,
    sessionVersion: doc.sessionVersion,
    failedLogins: doc.failedLogins,
    lockedUntil: doc.lockedUntil ?? null,
    totpLastStep: doc.totpLastStep ?? null,
    pendingTotpSecret: doc.pendingTotpSecret ?? null,
    pendingTotpExpiresAt: doc.pendingTotpExpiresAt ?? null,
    revealGranted: doc.revealGranted === true,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function sessionFromDoc(doc: ConsoleSessionDoc): ConsoleSession {
  const { _id: idHash, userId, sessionVersion, csrfToken, createdAt, lastSeenAt, expiresAt } = doc;
  return { idHash, userId, sessionVersion, csrfToken, createdAt, lastSeenAt, expiresAt };
}

/** A stored entry as it reads, whatever was done to the collection: a corrupt field fails verification, not the read. */
function auditFromDoc(doc: AuditDoc): AuditEntry {
  return {
    seq: doc.seq,
    at: doc.at,
    actor: doc.actor ?? null,
    action: doc.action,
    target: doc.target ?? null,
    outcome: doc.outcome,
    ip: doc.ip ?? null,
    details: parseJsonColumn<AuditEntry['details']>(doc.details) ?? {},
    prevHash: doc.prevHash,
    hash: doc.hash,
  };
}

const duplicateUser = () => storeError('duplicate_user', 'a console user with this email, id or OpenID subject exists');

/**
 * Reads the last entry, seals the next one on it and inserts it. Two appenders that read the same
 * last entry seal the same seq: the unique index lets one in, and the other reads again and chains
 * to the winner. Seq n is tried only once n-1 is stored, so the log has no gaps and no forks; k
 * appends at the same instant cost O(k²) attempts, which audit traffic (one entry per console
 * action) never comes near.
 */
async function appendAudit(models: Models, entry: AuditInput): Promise<AuditEntry> {
  for (;;) {
    const last = await models.auditLog.findOne({}).sort({ seq: -1 }).lean<AuditDoc>();
    const sealed = sealEntry(last ? auditFromDoc(last) : null, entry);
    try {
      await models.auditLog.create({ ...sealed, details: JSON.stringify(sealed.details) });
      return sealed;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/**
 * Whether another user holds the e-mail or OpenID subject a patch asks for. The unique indexes are
 * the real guard (MongoDB answers a race with a duplicate-key error), but FerretDB reports an
 * update's unique violation as an InternalError, so the common case is answered here first.
 */
async function takenByOther(models: Models, userId: string, set: Partial<UserDoc>): Promise<boolean> {
  const keys = [
    ...(set.email !== undefined ? [{ email: set.email }] : []),
    ...(set.oidcKey !== undefined ? [{ oidcKey: set.oidcKey }] : []),
  ];
  for (const key of keys) {
    const holder = await models.users.findOne(key, { _id: 1 }).lean<{ _id: string }>();
    if (holder && holder._id !== userId) return true;
  }
  return false;
}

/** The write of updateUser, once the patch is checked and allowed. */
async function writeUser(models: Models, userId: string, set: Partial<UserDoc>, endSessions: boolean): Promise<ConsoleUser | null> {
  let doc: UserDoc | null;
  try {
    doc = await models.users
      .findOneAndUpdate({ _id: userId }, { $set: set, ...(endSessions ? { $inc: { sessionVersion: 1 } } : {}) }, { returnDocument: 'after' })
      .lean<UserDoc>();
  } catch (err) {
    if (isDuplicateKey(err)) throw duplicateUser();
    throw err;
  }
  if (!doc) return null;
  // The bumped version already ends every session of the user (the server compares it on every
  // request); deleting them is the cleanup, and a crash before it leaves only dead rows.
  if (endSessions) await models.consoleSessions.deleteMany({ userId });
  // A cleared subject frees the user for a new first link; a new TOTP secret (its step set or
  // cleared) starts without the old one's spent steps.
  if (set.oidcSubject === null) await models.ssoLinks.deleteOne({ _id: userId });
  if (set.totpLastStep !== undefined) await models.secondFactorUses.deleteMany({ userId, step: trusted({ $gte: 0 }) });
  return userFromDoc(doc);
}

/**
 * The lease every patch of a user's privileges is written under (role, bots, disabled, password):
 * rare writes (an administrator's change, a password change), so one lease for all keeps the
 * order simple and never nests.
 */
const PRIVILEGES_LEASE = 'console:privileges';

async function updateUser(models: Models, ...[id, patch, opts = {}]: Parameters<ConsoleStore['updateUser']>): Promise<ConsoleUser | null> {
  const userId = check.text(id);
  const now = checkDate('now', opts.now ?? new Date());
  const checked = check.userPatch(patch);
  const set: Partial<UserDoc> = { ...checked, updatedAt: now };
  if (set.oidcSubject !== undefined) set.oidcKey = oidcKey(userId, set.oidcSubject);
  if (await takenByOther(models, userId, set)) throw duplicateUser();
  const endSessions = opts.endSessions === true;
  if (!touchesPrivileges(checked)) return writeUser(models, userId, set, endSessions);
  // Whether the patch changes a privilege (and so ends the sessions), and whether it takes the last
  // active administrator away, are decided on a read that no other such patch can make stale: they
  // read and write one after the other under the lease (two administrators demoting each other:
  // the second counts after the first has written). A conditional update would not do: FerretDB
  // runs it as a read and then a write.
  return withLease(models, PRIVILEGES_LEASE, async () => {
    const target = await models.users
      .findOne({ _id: userId }, { role: 1, bots: 1, disabled: 1, passwordHash: 1 })
      .lean<Pick<UserDoc, 'role' | 'bots' | 'disabled' | 'passwordHash'>>();
    if (!target) return null;
    if (mayRemoveAdministrator(checked) && isActiveAdministrator(target)) {
      const others = await models.users.countDocuments({ role: 'administrator', disabled: false, _id: trusted({ $ne: userId }) });
      if (others === 0) throw lastAdministrator();
    }
    const changed = changesPrivileges({ ...target, passwordHash: target.passwordHash ?? null }, checked);
    return writeUser(models, userId, set, endSessions || changed);
  });
}

/** Inserts the marker of one use; false when another caller's insert of the same use got there first. */
async function claimUse(models: Models, doc: SecondFactorUseDoc): Promise<boolean> {
  try {
    await models.secondFactorUses.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Markers of spent steps are kept this long (a day of 30-s steps), then cleared by the next sign-in. */
const TOTP_MARKERS_KEPT_STEPS = 2880;

/**
 * A sign-in spends the steps from its code's to `through`, each a marker under a unique _id,
 * inserted in ascending order. Two sign-ins whose ranges share a step meet at the lowest shared
 * marker: one inserts it, the other stops there and takes its own markers back, so at most one of
 * them signs in. Two whose ranges do not meet could have come one after the other anyway (the
 * later range starts above the earlier one's end). The stored step (moved on with $max) refuses
 * what is older than the markers still kept. A conditional update would not do: FerretDB reads, then writes.
 */
async function useTotpStep(models: Models, userId: string, step: number, through: number): Promise<boolean> {
  const doc = await models.users.findOne({ _id: userId }, { totpLastStep: 1 }).lean<Pick<UserDoc, 'totpLastStep'>>();
  if (!doc || (doc.totpLastStep != null && doc.totpLastStep >= step)) return false;
  const spent: string[] = [];
  for (let k = step; k <= through; k++) {
    const marker = { _id: `totp|${userId}|${k}`, userId, step: k };
    if (!(await claimUse(models, marker))) {
      if (spent.length > 0) await models.secondFactorUses.deleteMany({ _id: trusted({ $in: spent }) });
      return false;
    }
    spent.push(marker._id);
  }
  await models.users.updateOne({ _id: userId }, { $max: { totpLastStep: through } });
  // Only markers a day old go: a login that read the stored step long before could otherwise slip
  // in on a step whose marker is gone. Within a day, the markers decide.
  await models.secondFactorUses.deleteMany({ userId, step: trusted({ $lt: step - TOTP_MARKERS_KEPT_STEPS }) });
  return true;
}

/**
 * The first link of a user: the claim under the user's id decides between first logins racing
 * with different subjects (a conditional update would not: FerretDB reads, then writes). A racer
 * with the same subject finds its own subject in the claim and links alike; so does a retry after
 * a crash between the claim and the write.
 */
async function linkOidcSubject(models: Models, userId: string, subject: string, now: Date): Promise<ConsoleUser | null> {
  const user = await models.users.findOne({ _id: userId }).lean<UserDoc>();
  if (!user || (user.oidcSubject != null && user.oidcSubject !== subject)) return null;
  if (user.oidcSubject === subject) return userFromDoc(user);
  const set = { oidcSubject: subject, oidcKey: oidcKey(userId, subject), updatedAt: now };
  if (await takenByOther(models, userId, set)) throw duplicateUser();
  try {
    await models.ssoLinks.create({ _id: userId, subject });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const claim = await models.ssoLinks.findOne({ _id: userId }).lean<SsoLinkDoc>();
    if (claim?.subject !== subject) return null;
  }
  return writeUser(models, userId, set, false);
}

/** As useTotpStep: the marker decides the race, then the code leaves the list ($pull, so two different codes used at once both go). */
async function useRecoveryCode(models: Models, userId: string, hash: string): Promise<boolean> {
  const doc = await models.users.findOne({ _id: userId }, { recoveryCodes: 1 }).lean<Pick<UserDoc, 'recoveryCodes'>>();
  if (!doc || !doc.recoveryCodes.includes(hash)) return false;
  if (!(await claimUse(models, { _id: `recovery|${userId}|${hash}`, userId, step: null }))) return false;
  await models.users.updateOne({ _id: userId }, { $pull: { recoveryCodes: hash } });
  return true;
}

const SETTINGS_ID = 'console';

async function getSettings(models: Models): Promise<ConsoleSettingsRecord> {
  const doc = await models.consoleSettings.findOne({ _id: SETTINGS_ID }).lean<ConsoleSettingsDoc>();
  return doc ? { requireTotp: doc.requireTotp === true, updatedAt: doc.updatedAt } : { ...check.DEFAULT_SETTINGS };
}

export function mongoConsoleStore(models: Models): ConsoleStore {
  const userExists = async (userId: string) => {
    if (!(await models.users.exists({ _id: userId }))) throw storeError('unknown_user', 'no such console user');
  };

  return {
    async createUser(input) {
      const user = check.newUser(input);
      const { id, ...fields } = user;
      try {
        await models.users.create({ _id: id, ...fields, oidcKey: oidcKey(id, user.oidcSubject) });
      } catch (err) {
        if (isDuplicateKey(err)) throw duplicateUser();
        throw err;
      }
      return user;
    },

    async getUser(id) {
      const doc = await models.users.findOne({ _id: check.text(id) }).lean<UserDoc>();
      return doc ? userFromDoc(doc) : null;
    },

    async getUserByEmail(email) {
      const doc = await models.users.findOne({ email: check.normalizeEmail(email) }).lean<UserDoc>();
      return doc ? userFromDoc(doc) : null;
    },

    async getUserByOidcSubject(subject) {
      const doc = await models.users.findOne({ oidcKey: oidcKey('', check.text(subject)) }).lean<UserDoc>();
      return doc ? userFromDoc(doc) : null;
    },

    async listUsers() {
      const docs = await models.users.find({}).sort({ email: 1 }).lean<UserDoc[]>();
      return docs.map(userFromDoc);
    },

    updateUser: (id, patch, opts) => updateUser(models, id, patch, opts),

    useTotpStep: async (userId, step, through) => {
      const use = check.totpUse(step, through);
      return useTotpStep(models, check.text(userId), use.step, use.through);
    },

    linkOidcSubject: async (userId, subject, now = new Date()) => linkOidcSubject(models, check.text(userId), check.text(subject), checkDate('now', now)),

    useRecoveryCode: async (userId, hash) => useRecoveryCode(models, check.text(userId), check.text(hash)),

    async countActiveAdministrators() {
      return models.users.countDocuments({ role: 'administrator', disabled: false });
    },

    async createOneTimeToken(input) {
      const { tokenHash: _id, ...fields } = check.oneTimeToken(input);
      const doc: OneTimeTokenDoc = { _id, ...fields };
      await userExists(doc.userId);
      try {
        await models.oneTimeTokens.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw storeError('invalid_argument', 'a token with this hash exists');
        throw err;
      }
    },

    async consumeOneTimeToken(tokenHash, purpose, now) {
      const filter = { _id: check.checkTokenHash('tokenHash', tokenHash), purpose: check.checkPurpose(purpose) };
      const at = checkDate('now', now);
      const token = await models.oneTimeTokens.findOne(filter).lean<OneTimeTokenDoc>();
      // Of any number of callers that read it, only the one whose delete removed it has taken it.
      const taken = token !== null && (await models.oneTimeTokens.deleteOne(filter)).deletedCount === 1;
      await models.oneTimeTokens.deleteMany({ expiresAt: trusted({ $lte: at }) });
      return taken && token.expiresAt.getTime() > at.getTime() ? { userId: token.userId } : null;
    },

    async createConsoleSession(session) {
      const { idHash: _id, ...fields } = check.consoleSession(session);
      const doc: ConsoleSessionDoc = { _id, ...fields };
      await userExists(doc.userId);
      // Sessions past their absolute expiry are dead whatever their cookie says: each login clears them out.
      await models.consoleSessions.deleteMany({ expiresAt: trusted({ $lte: doc.createdAt }) });
      try {
        await models.consoleSessions.create(doc);
      } catch (err) {
        if (isDuplicateKey(err)) throw storeError('invalid_argument', 'a session with this id exists');
        throw err;
      }
    },

    async getConsoleSession(idHash) {
      const doc = await models.consoleSessions.findOne({ _id: check.checkTokenHash('idHash', idHash) }).lean<ConsoleSessionDoc>();
      return doc ? sessionFromDoc(doc) : null;
    },

    async touchConsoleSession(idHash, lastSeenAt) {
      const at = checkDate('lastSeenAt', lastSeenAt);
      await models.consoleSessions.updateOne({ _id: check.checkTokenHash('idHash', idHash) }, { $max: { lastSeenAt: at } });
    },

    async deleteConsoleSession(idHash) {
      await models.consoleSessions.deleteOne({ _id: check.checkTokenHash('idHash', idHash) });
    },

    async deleteUserSessions(userId) {
      return (await models.consoleSessions.deleteMany({ userId: check.text(userId) })).deletedCount;
    },

    getConsoleSettings: () => getSettings(models),

    async setConsoleSettings(patch, now) {
      const set = { ...check.settingsPatch(patch), updatedAt: checkDate('now', now) };
      await models.consoleSettings.updateOne({ _id: SETTINGS_ID }, { $set: set }, { upsert: true });
      return getSettings(models);
    },

    appendAudit: async (entry) => appendAudit(models, check.auditInput(entry)),

    async listAudit(query) {
      const { afterSeq, limit, actor, action, from, to } = check.auditQuery(query);
      if (limit === 0) return []; // limit(0) means "no limit" to MongoDB
      const at = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
      const filter = {
        seq: trusted({ $gt: afterSeq }),
        ...(actor !== undefined ? { actor } : {}),
        ...(action !== undefined ? { action } : {}),
        ...(from || to ? { at: trusted(at) } : {}),
      };
      const docs = await models.auditLog.find(filter).sort({ seq: 1 }).limit(limit).lean<AuditDoc[]>();
      return docs.map(auditFromDoc);
    },
  };
}
