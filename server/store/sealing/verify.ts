// What `npm run parley -- backup-verify` reports: whether a copy of the data store (a backup file,
// or a database restored from a mongodump) opens with the current key store and STORAGE_KEYS, and
// how many of its conversations read, were erased since (their keys are gone), or are damaged (a
// value that fails authentication, or one stored in the clear). Nothing is written, no key made.
import { generationOf, open } from './cipher.ts';
import { sealingErrorCode } from './errors.ts';
import type { Keyring } from './keyring.ts';
import { openRow, type SealableRows } from './rows.ts';

export interface VerifyReport {
  conversations: { readable: number; erased: number; damaged: number };
  /** Rows of each kind read, live and archived together. */
  rows: number;
  /** The first few damaged values, as `<field> of conversation <id>: <why>` (never the value). */
  problems: string[];
}

type Status = 'readable' | 'erased' | 'damaged';
const WORSE: Record<Status, number> = { readable: 0, erased: 1, damaged: 2 };

export async function verifySealedRows(rows: SealableRows, keyring: Keyring, batch = 500): Promise<VerifyReport> {
  const status = new Map<string, Status>();
  const problems: string[] = [];
  let count = 0;
  const mark = (id: string, s: Status) => {
    if (WORSE[s] >= WORSE[status.get(id) ?? 'readable']) status.set(id, s);
  };
  for (const source of rows.sources) {
    let after: unknown = null;
    for (;;) {
      const found = await source.read(after, batch);
      for (const row of found) {
        count += 1;
        const generations: number[] = [];
        openRow(row, (_, value) => {
          const g = generationOf(value);
          if (g) generations.push(g);
          return value;
        });
        const keys = await keyring.generations(row.conversationId, generations);
        mark(row.conversationId, 'readable');
        openRow(row, (field, value) => {
          const g = generationOf(value);
          const key = g === null ? undefined : keys.get(g);
          try {
            if (g === null) throw Object.assign(new Error('stored in the clear'), { code: 'tampered' });
            if (!key) {
              mark(row.conversationId, g === 0 ? 'damaged' : 'erased');
              return value;
            }
            open(key, field, value);
          } catch (err) {
            if (sealingErrorCode(err) !== 'tampered') throw err;
            mark(row.conversationId, 'damaged');
            if (problems.length < 10) problems.push(`${field} of conversation ${row.conversationId}: ${g === null ? 'stored in the clear' : 'fails authentication'}`);
          }
          return value;
        });
      }
      if (found.length < batch) break;
      after = found.at(-1)!;
    }
  }
  const conversations = { readable: 0, erased: 0, damaged: 0 };
  for (const s of status.values()) conversations[s] += 1;
  return { conversations, rows: count, problems };
}
