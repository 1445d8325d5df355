// Rows written before sealing existed are sealed in place at start: in batches (each its own write,
// so a crash loses at most the batch under way), resumable (a field already sealed is left alone,
// so a run stopped half-way simply goes on next time), and finished with a mark in the key store.
// From that mark on, a value stored in the clear is refused as tampered (sealed-store.ts, strict).
// Webhooks' rows (pending delivery bodies, signing secrets) came later than the first sealing
// runs, so they are a pass of their own with a mark of their own: a deployment that finished the
// first pass long ago still seals them at its next start. So are empty resolution notes an older
// bug left in the clear (EMPTY_NOTES_SEALED_MARK).
import { ConfigError } from '../../config/index.ts';
import { generationOf, seal } from './cipher.ts';
import type { Keyring } from './keyring.ts';
import { hasClearFields, openRow, sealRow, type RowSource, type SealableRow, type SealableRows } from './rows.ts';
import { sealedStateOf } from './fields.ts';

/** The key store's mark: every row was sealed (ISO time of the run that found nothing left). */
export const SEALED_MARK = 'rows-sealed-at';
/** The same for webhooks' rows (SealableRows.webhookSources). */
export const WEBHOOKS_SEALED_MARK = 'webhook-rows-sealed-at';
/**
 * The same for resolution notes left empty: code before stop 26 stored an empty note in the clear
 * (sealing/handover.ts tested the note for truthiness), and once strict every read of that handover
 * failed as tampered. Only those are sealed (SealableRows.emptyNoteSources): an empty string
 * carries no words, and a handover whose rating comment is in the clear beside it stays refused.
 */
export const EMPTY_NOTES_SEALED_MARK = 'empty-resolution-notes-sealed-at';

const BATCH = 500;

export interface MigrationResult {
  /** Rows sealed by this run. */
  sealed: number;
  /** Whether the run finished (and left the mark). */
  done: boolean;
}

/** The first row holding a sealed value, or null (a walk over everything when there is none). */
async function firstSealed(sources: readonly RowSource[], limit: number): Promise<SealableRow | null> {
  for (const source of sources) {
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

interface MigrationOptions {
  batch?: number;
  stillOurs?: () => Promise<boolean>;
  evenIfDone?: boolean;
}

/** Every pass: the conversations' rows, the webhooks', the empty resolution notes. Done when all are. */
export async function sealClearRows(rows: SealableRows, keyring: Keyring, opts: MigrationOptions = {}): Promise<MigrationResult> {
  let sealed = 0;
  for (const [sources, mark] of [
    [rows.sources, SEALED_MARK],
    [rows.webhookSources, WEBHOOKS_SEALED_MARK],
    [rows.emptyNoteSources, EMPTY_NOTES_SEALED_MARK],
  ] as const) {
    const pass = await sealPass(sources, mark, keyring, opts);
    sealed += pass.sealed;
    if (!pass.done) return { sealed, done: false };
  }
  return { sealed, done: true };
}

/** One pass over `sources`, finished with `mark` (exported for the migration's own tests). */
export async function sealPass(sources: readonly RowSource[], mark: string, keyring: Keyring, opts: MigrationOptions = {}): Promise<MigrationResult> {
  const firstRun = (await keyring.keyStore.meta(mark)) === null;
  // Done once for all (a restored backup from before sealing asks again: evenIfDone).
  if (!firstRun && !opts.evenIfDone) return { sealed: 0, done: true };
  const limit = opts.batch ?? BATCH;
  if (firstRun) {
    // A key store that never finished sealing, beside data sealed with keys it does not have, is
    // not that data's key store (lost, or KEY_STORE_FILE / KEY_STORE_MONGODB_URI set wrong):
    // starting would make new keys and read every conversation as damaged or erased.
    const sealedRow = await firstSealed(sources, limit);
    if (sealedRow && !(await keyring.hasKey(sealedRow.conversationId))) {
      throw new ConfigError(
        `the key store (${keyring.keyStore.where}) has no data key for conversations the store holds sealed: it is not their key store; set KEY_STORE_FILE or KEY_STORE_MONGODB_URI to the one they were sealed with`,
      );
    }
  }
  let sealed = 0;
  for (;;) {
    let missed = 0; // rows changed under us between read and write: another pass looks at them again
    for (const source of sources) {
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
  await keyring.keyStore.setMeta(mark, new Date().toISOString());
  return { sealed, done: true };
}
