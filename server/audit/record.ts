// Appending to the audit log, the one way every console action is recorded. Details are small and
// non-personal by contract: never a password, a code, a token or message text.
import type { AuditEntry, ConsoleStore } from '../store/console-store.ts';

export type AuditRecord = Pick<AuditEntry, 'action' | 'outcome'> &
  Partial<Pick<AuditEntry, 'actor' | 'target' | 'ip' | 'details'>> & { at?: Date };

export function recordAudit(store: Pick<ConsoleStore, 'appendAudit'>, record: AuditRecord): Promise<AuditEntry> {
  return store.appendAudit({
    at: record.at ?? new Date(),
    actor: record.actor ?? null,
    action: record.action,
    target: record.target ?? null,
    outcome: record.outcome,
    ip: record.ip ?? null,
    details: record.details ?? {},
  });
}
