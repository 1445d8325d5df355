// Checks a whole stored audit log, page by page, so a log of any length is verified in bounded
// memory: what `npm run parley -- audit-verify` runs.
import type { AuditEntry, ConsoleStore } from '../store/console-store.ts';
import { verifyChain } from './chain.ts';

export type AuditLogCheck =
  | { intact: true; entries: number; last: AuditEntry | null }
  | { intact: false; brokenAt: number };

export async function verifyAuditLog(store: Pick<ConsoleStore, 'listAudit'>, pageSize = 1000): Promise<AuditLogCheck> {
  let previous: AuditEntry | null = null;
  let entries = 0;
  for (;;) {
    const page = await store.listAudit({ afterSeq: previous?.seq ?? 0, limit: pageSize });
    const brokenAt = verifyChain(page, previous);
    if (brokenAt !== null) return { intact: false, brokenAt };
    if (page.length === 0) return { intact: true, entries, last: previous };
    entries += page.length;
    previous = page.at(-1) ?? null;
  }
}
