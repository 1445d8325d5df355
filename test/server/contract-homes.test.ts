// One home for each piece of the contract (issue 18). Every request schema the routes validate
// with, and so the document describes, is an export of common/*-wire-schemas.ts; the request types
// the frame and the console send are inferred from those schemas, never written by hand beside
// them; and the console's roles are one list, CONSOLE_ROLES, which the stores' own checks follow.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../server/http/api/document.ts';
import { CONSOLE_ROLES } from '../../common/console-wire.ts';
import * as visitor from '../../common/wire-schemas.ts';
import * as consoleSchemas from '../../common/console-wire-schemas.ts';
import * as handover from '../../common/handover-wire-schemas.ts';
import * as conversations from '../../common/conversations-wire-schemas.ts';
import * as dataProtection from '../../common/data-protection-wire-schemas.ts';
import * as reports from '../../common/report-wire-schemas.ts';
import * as webhooks from '../../common/webhooks-wire-schemas.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const HOMES = new Set<unknown>([visitor, consoleSchemas, handover, conversations, dataProtection, reports, webhooks].flatMap((m) => Object.values(m)));

/** The TypeScript sources of a folder, tests left out: what ships. */
function sources(dir: string): string[] {
  return readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => `${dir}${f}`);
}

describe('the contract has one home', () => {
  it('every request schema of the route table (body, form, query) is an export of common/*-wire-schemas.ts', () => {
    const strays = API_ROUTES.flatMap((route) =>
      (['json', 'form', 'query'] as const).filter((part) => route[part] !== undefined && !HOMES.has(route[part])).map((part) => `${route.method.toUpperCase()} ${route.path} ${part}`),
    );
    expect(strays).toEqual([]);
  });

  it('the request types of common/*-wire.ts are z.input of those schemas, none written by hand', () => {
    const handWritten: string[] = [];
    for (const file of readdirSync(new URL('common/', root)).filter((f) => /^(.+-)?wire\.ts$/.test(f))) {
      for (const line of read(`common/${file}`).split('\n')) {
        const declared = /^export (?:interface|type) (\w+(?:Request|Patch|QueryParams|Period))\b/.exec(line)?.[1];
        if (declared && !/ = z\.input<typeof schemas\.\w+>;$/.test(line)) handWritten.push(`${file}: ${declared}`);
      }
    }
    expect(handWritten).toEqual([]);
  });

  it('the console roles are written once: no other list of them in the server, the console or common/', () => {
    // The three role names quoted side by side, in any order: a list or a union of them (a subset,
    // such as the console's "administrators and supervisors" menu, is another concept).
    const role = `'(?:administrator|supervisor|operator)'`;
    const list = new RegExp(`${role}\\s*[,|]\\s*${role}\\s*[,|]\\s*${role}`);
    const copies = [...sources('server/'), ...sources('console/'), ...sources('common/')]
      .filter((file) => file !== 'common/console-wire.ts' && file !== 'server/store/sqlite-schema.ts')
      .filter((file) => list.test(read(file)));
    expect(copies).toEqual([]);
  });

  it('the SQLite users table, whose migration cannot import, checks for exactly CONSOLE_ROLES', () => {
    const check = /role IN \(([^)]*)\)/.exec(read('server/store/sqlite-schema.ts'))?.[1];
    expect(check?.split(',').map((r) => r.trim().replace(/'/g, ''))).toEqual([...CONSOLE_ROLES]);
  });
});
