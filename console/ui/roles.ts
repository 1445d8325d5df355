// Role names as people read them.
import type { ConsoleRole } from '../../common/console-wire.ts';

export const ROLE_LABEL: Record<ConsoleRole, string> = {
  administrator: 'Administrator',
  supervisor: 'Supervisor',
  operator: 'Operator',
};

/** "a, b , c" → ['a','b','c']: bots are typed as a comma-separated list. */
export const parseBots = (text: string): string[] =>
  text
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
