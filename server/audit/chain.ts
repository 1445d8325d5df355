// The audit log's hash chain. Each entry carries the hash of the one before it, and its own hash
// covers that link plus every other field, so changing, removing or reordering any stored entry
// breaks the chain at that entry or the next one, which `npm run parley -- audit-verify` names.
// (Cutting entries off the end leaves a shorter chain that still verifies: the verifier prints the
// last hash, to be compared with one recorded elsewhere.)
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../store/console-store.ts';

/** The `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON (after RFC 8785): object keys sorted by UTF-16 code units, no whitespace, numbers
 * as ECMAScript prints them, dates as ISO 8601 strings. Throws on anything JSON cannot say exactly
 * (non-finite numbers, invalid dates, undefined, functions), so no entry is sealed over a value
 * that would read back differently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
    return JSON.stringify(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonical JSON has no invalid dates');
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no ${typeof value}`);
}

/** The fields an entry's hash covers: all but the hash itself, the link apart. */
function hashedFields(entry: Omit<AuditEntry, 'prevHash' | 'hash'>) {
  const { seq, at, actor, action, target, outcome, ip, details } = entry;
  return { seq, at, actor, action, target, outcome, ip, details };
}

function entryHash(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(hashedFields(entry))).digest('hex');
}

/** The entry that follows `prev` (null: the first entry): its seq, its link and its hash. */
export function sealEntry(prev: AuditEntry | null, entry: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>): AuditEntry {
  const fields = hashedFields({ ...entry, seq: (prev?.seq ?? 0) + 1 });
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...fields, prevHash, hash: entryHash(prevHash, fields) };
}

function followsFrom(prev: AuditEntry | null, entry: AuditEntry): boolean {
  if (entry.seq !== (prev?.seq ?? 0) + 1 || entry.prevHash !== (prev?.hash ?? GENESIS_HASH)) return false;
  try {
    return entry.hash === entryHash(entry.prevHash, entry);
  } catch {
    return false; // a stored field no sealed entry could have (an invalid date, say)
  }
}

/**
 * The seq of the first entry that does not follow from the one before it (wrong position, wrong
 * link or wrong hash), or null when the whole run is intact. `previous` is the entry just before
 * `entries` (null when they start at seq 1), so a long log can be checked page by page.
 */
export function verifyChain(entries: readonly AuditEntry[], previous: AuditEntry | null = null): number | null {
  let prev = previous;
  for (const entry of entries) {
    if (!followsFrom(prev, entry)) return entry.seq;
    prev = entry;
  }
  return null;
}
