// What a console session was granted with: the user's role, bots, enabled state and password. A
// patch that changes any of them ends every session of the user (the session version moves on),
// decided by both store adapters in updateUser, in the same step as the write, so no caller can
// forget it or decide it from a read that another change has made stale.
import type { ConsoleUser } from './console-store.ts';
import type { UserPatch } from './console-arguments.ts';

type Privileges = Pick<ConsoleUser, 'role' | 'bots' | 'disabled' | 'passwordHash'>;

/** Whether `patch` names a field sessions depend on, whatever its value: such patches are serialized (MongoDB). */
export const touchesPrivileges = (patch: UserPatch): boolean =>
  patch.role !== undefined || patch.bots !== undefined || patch.disabled !== undefined || patch.passwordHash !== undefined;

const sameBots = (a: readonly string[], b: readonly string[]): boolean => {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((bot) => set.has(bot));
};

/** Whether applying `patch` to `current` changes what its sessions were granted with (bots as a set). */
export function changesPrivileges(current: Privileges, patch: UserPatch): boolean {
  return (
    (patch.role !== undefined && patch.role !== current.role) ||
    (patch.bots !== undefined && !sameBots(patch.bots, current.bots)) ||
    (patch.disabled !== undefined && patch.disabled !== current.disabled) ||
    (patch.passwordHash !== undefined && patch.passwordHash !== current.passwordHash)
  );
}
