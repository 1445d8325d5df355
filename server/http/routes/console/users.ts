// Users, for administrators: list, invite, change role, bots, disable, lift a lock.
import type { Context, Middleware } from 'koa';
import createError from 'http-errors';
import type { AppDeps } from '../../deps.ts';
import type { ConsoleUser } from '../../../store/console-store.ts';
import { newId } from '../../../chat/ids.ts';
import { storeErrorCode } from '../../../store/errors.ts';
import { issueLink } from '../../../accounts/one-time-links.ts';
import { userIdParam, type InviteInput, type UserPatchInput } from './schemas.ts';
import { validate } from '../../validate.ts';
import { audit, mustBeSignedIn, userView } from './state.ts';

export function listUsers(deps: AppDeps): Middleware {
  return async (ctx) => {
    const users = await deps.store.listUsers();
    ctx.body = { users: users.map(userView) };
  };
}

async function createOrFind(deps: AppDeps, input: InviteInput): Promise<ConsoleUser> {
  try {
    return await deps.store.createUser({
      id: newId(),
      ...input,
      passwordHash: null,
      totpSecret: null,
      recoveryCodes: [],
      oidcSubject: null,
      disabled: false,
    });
  } catch (err) {
    const existing = storeErrorCode(err) === 'duplicate_user' ? await deps.store.getUserByEmail(input.email) : null;
    if (!existing) throw err;
    return existing;
  }
}

/**
 * 201 with the user at that address either way. A new address gets a pending user and an
 * invitation; an address whose user is still pending gets a fresh invitation (a resend); an
 * address with a working account is left as it is and mailed nothing. The answer is the same
 * status and shape each time; its content is what GET /users already shows this administrator.
 */
export function inviteUser(deps: AppDeps): Middleware {
  return async (ctx) => {
    const input = ctx.state.input as InviteInput;
    const user = await createOrFind(deps, input);
    const pending = user.passwordHash === null && user.oidcSubject === null && !user.disabled;
    if (pending) {
      const { link, expiresAt } = await issueLink(deps.store, { userId: user.id, purpose: 'set-password', publicUrl: deps.publicUrl, now: new Date() });
      await deps.mailer.sendInvitation({ to: user.email, link, expiresAt });
    }
    await audit(ctx, deps.store, { action: 'user.invite', target: user.id, outcome: 'ok', details: { role: user.role, mailed: pending } });
    ctx.status = 201;
    ctx.body = userView(user);
  };
}

const lastAdministrator = () =>
  createError(409, 'This is the last active administrator: make another one first', { code: 'last_administrator' });

/** Whether the patch would leave the console without an active administrator. */
async function removesLastAdministrator(deps: AppDeps, target: ConsoleUser, patch: UserPatchInput): Promise<boolean> {
  const activeAdmin = target.role === 'administrator' && !target.disabled;
  const stops = patch.disabled === true || (patch.role !== undefined && patch.role !== 'administrator');
  return activeAdmin && stops && (await deps.store.countActiveAdministrators()) <= 1;
}

const notGrantable = () =>
  createError(400, 'Only supervisors are granted the reveal of personal data: administrators may anyway, operators never', { code: 'not_grantable' });

/**
 * The grant to reveal personal data after the patch: set as asked, for a supervisor only; a role
 * change away from supervisor withdraws it. Undefined when it stays as it is.
 */
function grantAfter(target: ConsoleUser, patch: UserPatchInput): boolean | undefined {
  const role = patch.role ?? target.role;
  if (patch.revealGranted === true && role !== 'supervisor') throw notGrantable();
  if (patch.revealGranted !== undefined) return patch.revealGranted;
  return role !== 'supervisor' && target.revealGranted ? false : undefined;
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
 * Disabling or a role change ends every session of the user (the session version moves on), so
 * the change holds from their next request; a lifted lock also gives the account's login budget back.
 */
export function patchUser(deps: AppDeps): Middleware {
  return async (ctx) => {
    mustBeSignedIn(ctx);
    const id = validate(userIdParam, ctx.params.id);
    const patch = ctx.state.input as UserPatchInput;
    const target = await deps.store.getUser(id);
    if (!target) throw createError(404, 'No such user', { code: 'not_found' });
    if (await removesLastAdministrator(deps, target, patch)) {
      await audit(ctx, deps.store, { action: 'user.update', target: id, outcome: 'denied', details: { reason: 'last_administrator' } });
      throw lastAdministrator();
    }
    const revealGranted = grantAfter(target, patch);
    const endSessions = (patch.disabled === true && !target.disabled) || (patch.role !== undefined && patch.role !== target.role);
    const updated = await deps.store.updateUser(
      id,
      {
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.bots !== undefined ? { bots: patch.bots } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
        ...(patch.unlock ? { failedLogins: 0, lockedUntil: null } : {}),
        ...(revealGranted !== undefined ? { revealGranted } : {}),
      },
      { endSessions },
    );
    if (!updated) throw createError(404, 'No such user', { code: 'not_found' });
    if (patch.unlock) await deps.limits.forgive({ kind: 'consoleLoginAccount', email: updated.email });
    await auditPatch(ctx, deps, target, updated, patch);
    ctx.body = userView(updated);
  };
}
