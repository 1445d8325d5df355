// Users, for administrators: list, invite, change role, bots, disable, lift a lock.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import { newId } from '../../../chat/ids.ts';
import { storeErrorCode } from '../../../store/errors.ts';
import { issueLink } from '../../../accounts/one-time-links.ts';
import { userIdParam, type InviteInput, type UserPatchInput } from '../../../../common/console-wire-schemas.ts';
import { validate } from '../../validate.ts';
import { audit, isPending, mailAfterAnswer, mustBeSignedIn, userView } from './state.ts';

export function listUsers(deps: AppDeps): Middleware {
  return async (ctx) => {
    const users = await deps.store.listUsers();
    ctx.body = { users: users.map(userView) };
  };
}

/** The user at the address: a new, pending one, or the one that was there already. */
async function createOrFind(deps: AppDeps, input: InviteInput): Promise<{ user: ConsoleUser; created: boolean }> {
  try {
    const user = await deps.store.createUser({
      id: newId(),
      ...input,
      passwordHash: null,
      totpSecret: null,
      recoveryCodes: [],
      oidcSubject: null,
      disabled: false,
    });
    return { user, created: true };
  } catch (err) {
    const existing = storeErrorCode(err) === 'duplicate_user' ? await deps.store.getUserByEmail(input.email) : null;
    if (!existing) throw err;
    return { user: existing, created: false };
  }
}

/** What an invitation did, for the audit log: the answer never says. */
type InviteResult = 'invited' | 'resent' | 'disabled' | 'exists';

/**
 * 202 `{}` for every valid invitation, whatever the address: a new address gets a pending user and
 * an invitation; a user still pending gets a fresh link (a resend); a disabled pending user and a
 * working account are left as they are and mailed nothing. The mail goes out after the answer, and
 * every case does comparable store work before it (an insert that succeeds or meets the address,
 * a token or a read, an audit entry), so neither status, body nor timing tells whether the address
 * had an account. The administrator sees the outcome in the users list; the audit entry says it.
 */
export function inviteUser(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as InviteInput;
    const { user, created } = await createOrFind(deps, input);
    const mailed = isPending(user) && !user.disabled;
    const result: InviteResult = created ? 'invited' : mailed ? 'resent' : user.disabled ? 'disabled' : 'exists';
    if (mailed) {
      const { link, expiresAt } = await issueLink(deps.store, { userId: user.id, purpose: 'set-password', publicUrl: deps.publicUrl, now: new Date() });
      mailAfterAnswer(deps.logger, 'invitation', user.id, () => deps.mailer.sendInvitation({ to: user.email, link, expiresAt }));
    }
    await audit(ctx, deps.store, { action: 'user.invite', target: user.id, outcome: 'ok', details: { role: user.role, result, mailed } });
    ctx.status = 202;
    ctx.body = {}; // JSON like every console answer (Koa would otherwise send the text "Accepted")
  };
}

const lastAdministrator = () =>
  createError(409, 'This is the last active administrator: make another one first', { code: 'last_administrator' });

const notGrantable = () =>
  createError(400, 'Only supervisors are granted the reveal of personal data: administrators may anyway, operators never', { code: 'not_grantable' });

/**
 * The grant to reveal personal data after the patch: set as asked, for one who is a supervisor
 * after it; any role change withdraws it unless the same patch grants it again. Undefined when it
 * stays as it is. (Not a privilege that ends sessions: can() reads it on every request, and no
 * session or channel holds anything signed with it.)
 */
function grantAfter(target: ConsoleUser, patch: UserPatchInput): boolean | undefined {
  const role = patch.role ?? target.role;
  if (patch.revealGranted === true && role !== 'supervisor') throw notGrantable();
  if (patch.revealGranted !== undefined) return patch.revealGranted;
  return role !== target.role && target.revealGranted ? false : undefined;
}

/** One entry per aspect changed, in a fixed order. */
async function auditPatch(ctx: Context, deps: AppDeps, before: ConsoleUser, after: ConsoleUser, patch: UserPatchInput): Promise<void> {
  const changes: Array<[string, Record<string, string | number | boolean>]> = [];
  if (patch.role !== undefined && patch.role !== before.role) changes.push(['user.role', { from: before.role, to: patch.role }]);
  if (patch.bots !== undefined) changes.push(['user.bots', { count: patch.bots.length }]);
  if (patch.disabled !== undefined && patch.disabled !== before.disabled) changes.push([patch.disabled ? 'user.disable' : 'user.enable', {}]);
  if (patch.unlock) changes.push(['user.unlock', {}]);
  if (after.revealGranted !== before.revealGranted) changes.push(['user.reveal-grant', { granted: after.revealGranted }]);
  for (const [action, details] of changes) await audit(ctx, deps.store, { action, target: before.id, outcome: 'ok', details });
}

/**
 * A change of role, bots or disabled ends every session of the user (the store's updateUser moves
 * the session version on, deciding it with the write), so the change holds from their next
 * request; a lifted lock also gives the account's login budget back.
 */
export function patchUser(deps: AppDeps): Middleware {
  return async (ctx) => {
    mustBeSignedIn(ctx);
    const id = validate(userIdParam, ctx.params.id);
    const patch = ctx.state.input as UserPatchInput;
    const target = await deps.store.getUser(id);
    if (!target) throw createError(404, 'No such user', { code: 'not_found' });
    const revealGranted = grantAfter(target, patch);
    let updated: ConsoleUser | null;
    try {
      // The store refuses to take the last active administrator away, counting in the same step as it writes.
      updated = await deps.store.updateUser(id, {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.bots !== undefined ? { bots: patch.bots } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        ...(patch.unlock ? { failedLogins: 0, lockedUntil: null } : {}),
        ...(revealGranted !== undefined ? { revealGranted } : {}),
      });
    } catch (err) {
      if (storeErrorCode(err) !== 'last_administrator') throw err;
      await audit(ctx, deps.store, { action: 'user.update', target: id, outcome: 'denied', details: { reason: 'last_administrator' } });
      throw lastAdministrator();
    }
    if (!updated) throw createError(404, 'No such user', { code: 'not_found' });
    if (patch.unlock) await deps.limits.forgive({ kind: 'consoleLoginAccount', email: updated.email });
    await auditPatch(ctx, deps, target, updated, patch);
    ctx.body = userView(updated);
  };
}
