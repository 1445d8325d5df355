// The adapters' rows, as the sealing migration and the backup check walk them: every row that
// holds a sealed field, live and archived, read in batches in a stable order and written back by
// reference. Each adapter describes its own tables or collections (sqlite-rows.ts, mongo-rows.ts);
// what is sealed in a row is fields.ts's business, here and in the store decorator alike.
import type { QuickReply } from '../../../common/wire.ts';
import type { TurnRequest } from '../store.ts';
import type { WebhookSecret } from '../webhook-store.ts';
import { isSealed } from './cipher.ts';
import { FIELD, sealState, sealedStateOf, transformMessage, transformTurn, transformValue, type Transform } from './fields.ts';
import { transformHandover, transformNote } from './handover.ts';
import { transformSecrets } from './webhooks.ts';

export type SealableRow =
  | { kind: 'conversation'; conversationId: string; state: Record<string, unknown> }
  | { kind: 'message'; conversationId: string; text: string; quickReplies?: QuickReply[]; turn: TurnRequest | null }
  | { kind: 'value'; conversationId: string; key: string; value: string }
  | { kind: 'handover'; conversationId: string; resolutionNote: string | null; ratingComment: string | null }
  | { kind: 'note'; conversationId: string; text: string }
  // A pending webhook delivery's body, under its conversation's key.
  | { kind: 'delivery'; conversationId: string; payload: string }
  // A webhook's signing secrets: `conversationId` is the owner of its own key (webhooks.ts webhookKeyOwner).
  | { kind: 'webhook'; conversationId: string; secrets: WebhookSecret[] };

/** A row as read, with what the adapter needs to write it back. */
export type StoredRow = SealableRow & { ref: unknown };

export interface RowSource {
  /** For progress lines: `messages`, `archived messages`… */
  readonly name: string;
  /** Up to `limit` rows after `after`, the last row of the batch before (null: from the first), in a stable order. */
  read(after: unknown, limit: number): Promise<StoredRow[]>;
  /**
   * Writes changed rows back, each only where the stored row still holds what was read (a turn
   * finished meanwhile, say); resolves to how many were written.
   */
  write(changes: ReadonlyArray<{ was: StoredRow; now: SealableRow }>): Promise<number>;
}

export interface SealableRows {
  readonly sources: readonly RowSource[];
  /** Webhooks' rows (delivery bodies, secrets): the migration's second pass, under its own mark; not what the backup check counts. */
  readonly webhookSources: readonly RowSource[];
  /**
   * Handovers whose resolution note is an empty string and whose rating comment is sealed or
   * absent: the migration's third pass (EMPTY_NOTES_SEALED_MARK). Rows of `sources` too.
   */
  readonly emptyNoteSources: readonly RowSource[];
  close(): Promise<void>;
}

/** Seals the fields of `row` still in the clear (what is sealed already is left as it is). */
export function sealRow(row: SealableRow, seal: Transform): SealableRow {
  const f: Transform = (field, value) => (isSealed(value) ? value : seal(field, value));
  switch (row.kind) {
    case 'conversation':
      return sealedStateOf(row.state) === null && Object.keys(row.state).length > 0 ? { ...row, state: sealState(row.state, f) } : row;
    case 'message': {
      const message = transformMessage(row, f);
      return { ...message, turn: row.turn && transformTurn(row.turn, f) };
    }
    case 'value':
      return transformValue(row, f);
    case 'handover':
      return transformHandover(row, f);
    case 'note':
      return transformNote(row, f);
    case 'delivery':
      return { ...row, payload: f(FIELD.webhookPayload, row.payload) };
    case 'webhook':
      return { ...row, secrets: transformSecrets(row.secrets, f) };
  }
}

/** Walks every sealed field of `row` with `open` (the backup check counts what opens). */
export function openRow(row: SealableRow, open: Transform): void {
  switch (row.kind) {
    case 'conversation': {
      // `{}` is a new conversation's state before its first turn, stored as the adapter made it.
      const sealed = sealedStateOf(row.state);
      if (sealed !== null || Object.keys(row.state).length > 0) open(FIELD.state, sealed ?? JSON.stringify(row.state));
      return;
    }
    case 'message':
      transformMessage(row, open);
      if (row.turn) transformTurn(row.turn, open);
      return;
    case 'value':
      transformValue(row, open);
      return;
    case 'handover':
      transformHandover(row, open);
      return;
    case 'note':
      transformNote(row, open);
      return;
    case 'delivery':
      open(FIELD.webhookPayload, row.payload);
      return;
    case 'webhook':
      transformSecrets(row.secrets, open);
  }
}

/** Whether any field of `row` is stored in the clear. */
export function hasClearFields(row: SealableRow): boolean {
  let clear = false;
  openRow(row, (_, value) => {
    if (!isSealed(value)) clear = true;
    return value;
  });
  return clear;
}
