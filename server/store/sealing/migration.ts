// Rows written before sealing existed are sealed in place at start: in batches (each its own write,
// so a crash loses at most the batch under way), resumable (a field already sealed is left alone,
// so a run stopped half-way simply goes on next time), and finished with a mark in the key store.
// From that mark on, a value stored in the clear is refused as tampered (sealed-store.ts, strict).
import { ConfigError } from '../../config/index.ts';
import { generationOf, seal } from './cipher.ts';
import type { Keyring } from './keyring.ts';
import { hasClearFields, openRow, sealRow, type SealableRow, type SealableRows } from './rows.ts';
import { sealedStateOf } from './fields.ts';

/** The key store's mark: every row was sealed (ISO time of the run that found nothing left). */
export const SEALED_MARK = 'rows-sealed-at';

const BATCH = 500;

export interface MigrationResult {
  /** Rows sealed by this run. */
  sealed: number;
  /** Whether the run finished (and left the mark). */
  done: boolean;
}

/** The first row holding a sealed value, or null (a walk over everything when there is none). */
async function firstSealed(rows: SealableRows, limit: number): Promise<SealableRow | null> {
  for (const source of rows.sources) {
    let after: unknown = null;
    for (;;) {
      const batch = await source.read(after, limit);
      const found = batch.find((row) => {
        let sealed = false;
        openRow(row, (_, value) => {
          if (generationOf(value) !== null) sealed = true;
          return value;
        });
        return sealed;
      });
      if (found) return found;
      if (batch.length < limit) break;
      after = batch.at(-1)!;
    }
  }
  return null;
}

export async function sealClearRows(
  rows: SealableRows,
  keyring: Keyring,
  opts: { batch?: number; stillOurs?: () => Promise<boolean>; evenIfDone?: boolean } = {},
): Promise<MigrationResult> {
  const firstRun = (await keyring.keyStore.meta(SEALED_MARK)) === null;
  // Done once for all (a restored backup from before sealing asks again: evenIfDone).
  if (!firstRun && !opts.evenIfDone) return { sealed: 0, done: true };
  const limit = opts.batch ?? BATCH;
  if (firstRun) {
    // A key store that never finished sealing, beside data sealed with keys it does not have, is
    // not that data's key store (lost, or KEY_STORE_FILE / KEY_STORE_MONGODB_URI set wrong):
    // starting would make new keys and read every conversation as damaged or erased.
    const sealedRow = await firstSealed(rows, limit);
    if (sealedRow && !(await keyring.hasKey(sealedRow.conversationId))) {
      throw new ConfigError(
        `the key store (${keyring.keyStore.where}) has no data key for conversations the store holds sealed: it is not their key store; set KEY_STORE_FILE or KEY_STORE_MONGODB_URI to the one they were sealed with`,
      );
    }
  }
  let sealed = 0;
  for (;;) {
    let missed = 0; // rows changed under us between read and write: another pass looks at them again
    for (const source of rows.sources) {
      let after: unknown = null;
      for (;;) {
        const batch = await source.read(after, limit);
        const changes = [];
        for (const row of batch) {
          // Every conversation has a key once the first run is done (one without is erased,
          // sealed-store.ts), a new one still holding `{}` included. (Later runs, over a restored
          // backup, must not give an erased conversation a new key.)
          if (firstRun && row.kind === 'conversation' && sealedStateOf(row.state) === null) await keyring.current(row.conversationId);
          if (!hasClearFields(row)) continue;
          const key = await keyring.current(row.conversationId);
          changes.push({ was: row, now: sealRow(row, (field, value) => seal(key, field, value)) });
        }
        const written = await source.write(changes);
        sealed += written;
        missed += changes.length - written;
        if (batch.length < limit) break;
        after = batch.at(-1)!;
        if (opts.stillOurs && !(await opts.stillOurs())) return { sealed, done: false };
      }
    }
    if (missed === 0) break;
  }
  await keyring.keyStore.setMeta(SEALED_MARK, new Date().toISOString());
  return { sealed, done: true };
}
