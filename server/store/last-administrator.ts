// The console must keep an active administrator (issue 13): the rule both store adapters apply in
// updateUser, in the same step as the write (SQLite: one transaction; MongoDB: under a lease).
import type { ConsoleUser } from './console-store.ts';
import type { UserPatch } from './console-arguments.ts';
import { storeError } from './errors.ts';

export const isActiveAdministrator = (user: Pick<ConsoleUser, 'role' | 'disabled'>): boolean => user.role === 'administrator' && !user.disabled;

/**
 * Whether `patch` could take an administrator away: it disables, or sets another role. Decided on
 * the patch alone, before reading the user, so that a user read as no administrator who becomes
 * one meanwhile is still checked.
 */
export const mayRemoveAdministrator = (patch: UserPatch): boolean => patch.disabled === true || (patch.role !== undefined && patch.role !== 'administrator');

export const lastAdministrator = () => storeError('last_administrator', 'this is the last active administrator');
