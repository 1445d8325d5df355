import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ACTIONS, botScope, can, type Action } from './roles.ts';
import type { Role } from '../store/console-store.ts';
import { CONSOLE_ROLES } from '../../common/console-wire.ts';

const ROLES = CONSOLE_ROLES;
type Cell = 'yes' | 'their bots' | 'if granted' | 'no';

/**
 * The expectations come from the matrix people read, docs/console.md (transcribed from the shared
 * design's roles table), so the code, this test and the documentation cannot drift apart.
 */
function documentedMatrix(): Map<string, Record<Role, Cell>> {
  const doc = readFileSync(new URL('../../docs/console.md', import.meta.url), 'utf8');
  const rows = new Map<string, Record<Role, Cell>>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const key = /^`([a-z.-]+)`$/.exec(cells[2] ?? '')?.[1];
    // Matrix rows only: | what | action | administrator | supervisor | operator | (other tables name actions too).
    if (!key || cells.length !== 7) continue;
    const read = (text: string): Cell => (text === '—' ? 'no' : text.startsWith('if granted') ? 'if granted' : (text as Cell));
    rows.set(key, { administrator: read(cells[3]!), supervisor: read(cells[4]!), operator: read(cells[5]!) });
  }
  return rows;
}

const user = (role: Role, bots: string[] = ['shop', 'help'], revealGranted = false) => ({ role, bots, disabled: false, revealGranted });

describe('the role × action matrix', () => {
  const matrix = documentedMatrix();

  it('documents exactly the actions the code knows, all nine rows of the design', () => {
    expect(matrix.size).toBe(9);
    expect([...matrix.keys()].sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    for (const role of ROLES) {
      it(`${role} × ${action}`, () => {
        const cell = matrix.get(action)?.[role];
        const someone = user(role);
        switch (cell) {
          case 'yes':
            expect(can(someone, action)).toBe(true);
            expect(can(someone, action, 'shop')).toBe(true);
            expect(can(someone, action, 'another-bot')).toBe(true);
            expect(botScope(someone, action)).toBe('all');
            break;
          case 'their bots':
            expect(can(someone, action, 'shop')).toBe(true);
            expect(can(someone, action, 'help')).toBe(true);
            expect(can(someone, action, 'another-bot')).toBe(false);
            // No bot named is no bot allowed: a route that forgets the bot must not get all of them.
            expect(can(someone, action)).toBe(false);
            expect(botScope(someone, action)).toEqual(['shop', 'help']);
            expect(can(user(role, []), action, 'shop')).toBe(false);
            break;
          case 'if granted': {
            // Without the grant: nothing. With it (an administrator set revealGranted): their bots only.
            expect(can(someone, action, 'shop')).toBe(false);
            expect(can(someone, action)).toBe(false);
            expect(botScope(someone, action)).toEqual([]);
            const granted = user(role, ['shop', 'help'], true);
            expect(can(granted, action, 'shop')).toBe(true);
            expect(can(granted, action, 'another-bot')).toBe(false);
            expect(can(granted, action)).toBe(false);
            expect(botScope(granted, action)).toEqual(['shop', 'help']);
            expect(can({ ...granted, disabled: true }, action, 'shop')).toBe(false);
            break;
          }
          case 'no':
            expect(can(someone, action, 'shop')).toBe(false);
            expect(can(someone, action)).toBe(false);
            expect(botScope(someone, action)).toEqual([]);
            break;
          default:
            throw new Error(`docs/console.md has no cell for ${role} × ${action}`);
        }
      });
    }
  }

  it('lets a disabled user do nothing, whatever the role', () => {
    for (const role of ROLES) {
      for (const action of ACTIONS) {
        expect(can({ ...user(role), disabled: true }, action, 'shop')).toBe(false);
        expect(botScope({ ...user(role), disabled: true }, action)).toEqual([]);
      }
    }
  });

  it('refuses an action it does not know (a typo in a route, or a name from outside)', () => {
    expect(can(user('administrator'), 'users.delete-everything' as Action)).toBe(false);
    expect(can(user('administrator'), '__proto__' as Action)).toBe(false);
    expect(can({ role: 'root' as Role, bots: [], disabled: false, revealGranted: true }, 'audit.read')).toBe(false);
  });
});
