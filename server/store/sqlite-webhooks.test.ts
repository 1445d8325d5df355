// The webhook contracts on SQLite (a fresh temp file per test), and migration 13 over deliveries
// written before it: each gets its conversation from its body; a pending one whose conversation is
// gone (erased, or archived) goes; a finished one stays, with no body and no conversation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from './sqlite.ts';
import { LIVE_MIGRATIONS, migrate } from './sqlite-schema.ts';
import { runWebhookContract } from './webhook-contract.ts';
import { runWebhookCauseContract } from './webhook-cause-contract.ts';

const root = mkdtempSync(path.join(tmpdir(), 'parley-webhooks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const freshFile = () => path.join(root, `webhooks-${++counter}.db`);

runWebhookContract('SQLite webhook contract', () => openSqliteStore(freshFile()));
runWebhookCauseContract('SQLite webhook events with their cause', () => openSqliteStore(freshFile()));

it('migration 13 names the conversation of each delivery from before, and drops what a conversation that is gone still owed', async () => {
  const file = freshFile();
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, 'main', LIVE_MIGRATIONS.filter((m) => m.version <= 12));
  db.prepare("INSERT INTO conversations (id, bot_id, visitor_id, origin, created_at, last_activity_at, next_message_id) VALUES ('conv-kept', 'demo', 'v', 'o', 0, 0, 1)").run();
  db.prepare(`INSERT INTO webhooks (id, bot_id, url, events, enabled, secrets, created_at, updated_at) VALUES ('hook-1', 'demo', 'https://hooks.example/x', '["form.submitted"]', 1, '[]', 0, 0)`).run();
  const deliver = db.prepare(
    `INSERT INTO webhook_deliveries (event_id, webhook_id, bot_id, type, payload, state, attempts, next_attempt_at, created_at) VALUES (?, 'hook-1', 'demo', 'form.submitted', ?, ?, 0, ?, 0)`,
  );
  const body = (conversationId: string) => JSON.stringify({ type: 'form.submitted', data: { conversationId } });
  deliver.run('msg_kept', body('conv-kept'), 'pending', 0);
  deliver.run('msg_erased', body('conv-erased'), 'pending', 0);
  deliver.run('msg_done', null, 'delivered', null);
  db.close();

  const store = await openSqliteStore(file);
  try {
    expect(await store.dueWebhookDeliveries(new Date(1000), 10)).toEqual([expect.objectContaining({ eventId: 'msg_kept', conversationId: 'conv-kept', payload: body('conv-kept') })]);
    expect(await store.hasPendingWebhookDeliveries('conv-kept')).toBe(true);
    // The conversation's deletion now takes its delivery along.
    expect(await store.deleteConversation('conv-kept')).toBe(true);
    expect(await store.dueWebhookDeliveries(new Date(1000), 10)).toEqual([]);
  } finally {
    await store.close();
  }
  const after = new Database(file, { readonly: true });
  try {
    expect(after.prepare('SELECT event_id, conversation_id, payload FROM webhook_deliveries ORDER BY event_id').all()).toEqual([{ event_id: 'msg_done', conversation_id: null, payload: null }]);
  } finally {
    after.close();
  }
});
