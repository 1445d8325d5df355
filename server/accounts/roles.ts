// Who may do what in the console: the role × action matrix of the design (docs/console.md), as
// data in this one place, and the one function every console route asks. The UI may hide what a
// role cannot do; the server decides here.
import type { ConsoleUser, Role } from '../store/console-store.ts';

export const ACTIONS = [
  'users.manage', // users, roles, SSO, 2FA policy
  'bots.settings', // bot data-protection settings, webhooks
  'audit.read', // read, filter and export the audit log
  'conversations.browse', // browse conversations, personal data masked
  'personal-data.reveal', // unmask personal data, with a reason, audited
  'handover.work', // handover queue: take, reply, resolve
  'handover.reassign',
  'reports.read',
  'subjects.export-erase', // a data subject's export or erasure
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * - all: every bot (and actions that concern no bot)
 * - own-bots: only bots listed in the user's `bots`
 * - own-bots-if-granted: as own-bots for a user an administrator granted it (`revealGranted`, set
 *   by PATCH /users; the one grantable action is personal-data.reveal), else none
 * - none: never
 */
type Reach = 'all' | 'own-bots' | 'own-bots-if-granted' | 'none';

const MATRIX: Readonly<Record<Action, Readonly<Record<Role, Reach>>>> = {
  'users.manage': { administrator: 'all', supervisor: 'none', operator: 'none' },
  'bots.settings': { administrator: 'all', supervisor: 'none', operator: 'none' },
  'audit.read': { administrator: 'all', supervisor: 'none', operator: 'none' },
  'conversations.browse': { administrator: 'all', supervisor: 'own-bots', operator: 'none' },
  'personal-data.reveal': { administrator: 'all', supervisor: 'own-bots-if-granted', operator: 'none' },
  'handover.work': { administrator: 'all', supervisor: 'own-bots', operator: 'own-bots' },
  'handover.reassign': { administrator: 'all', supervisor: 'own-bots', operator: 'none' },
  'reports.read': { administrator: 'all', supervisor: 'own-bots', operator: 'none' },
  'subjects.export-erase': { administrator: 'all', supervisor: 'none', operator: 'none' },
};

type Actor = Pick<ConsoleUser, 'role' | 'bots' | 'disabled' | 'revealGranted'>;

/** How far `user` reaches with `action`; 'none' for anything unknown, so a typo denies. */
function reach(user: Actor, action: Action): Exclude<Reach, 'own-bots-if-granted'> {
  if (user.disabled || !Object.hasOwn(MATRIX, action)) return 'none';
  const row = MATRIX[action];
  const r = Object.hasOwn(row, user.role) ? row[user.role] : 'none';
  if (r === 'own-bots-if-granted') return user.revealGranted === true ? 'own-bots' : 'none';
  return r;
}

/**
 * Whether `user` may do `action`, on `botId` when the action concerns one bot. A bot-scoped role
 * asked without a bot is refused: a route that forgets to name the bot must not get every bot.
 * Listing across bots uses botScope instead.
 */
export function can(user: Actor, action: Action, botId?: string): boolean {
  const r = reach(user, action);
  if (r === 'all') return true;
  if (r === 'own-bots') return botId !== undefined && user.bots.includes(botId);
  return false;
}

/** The bots whose items `user` may see or act on with `action`, for list queries: 'all' or a list (maybe empty). */
export function botScope(user: Actor, action: Action): 'all' | string[] {
  const r = reach(user, action);
  if (r === 'all') return 'all';
  return r === 'own-bots' ? [...user.bots] : [];
}
