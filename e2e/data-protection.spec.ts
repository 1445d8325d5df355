// Issue 15's data protection as people do it, in Chromium. An administrator turns a bot's storage
// off in the console and the visitor's very next message is kept nowhere. A visitor on a host page
// with a strict CSP (csp-whitelist.md verbatim, Trusted Types enforced) downloads their
// conversation from the frame's menu and then deletes it, by keyboard alone; afterwards nothing of
// it is in the store, the archive or any data file, and its data key is gone (what is stored is
// sealed: typed text is in no file at any time). An administrator answers a data subject's
// request in the console: export, then erasure after a confirmation. The violation guard runs
// throughout; axe checks the menu, the confirmation and the console's two screens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FrameLocator, Page } from '@playwright/test';
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { demoBotsDir } from '../test/helpers/demo-bot.ts';
import { filesContaining } from '../test/helpers/data-files.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { awaitSession, chatFrame, openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { choosePassword, signIn } from './support/console.ts';
import { createAdmin } from './support/console-cli.ts';
import { startHost, type HostSite } from './support/host-server.ts';
import { hostPolicy } from './support/csp.ts';
import { SUBJECT_EXPORT_FORMAT, type SubjectExport } from '../common/data-protection-wire.ts';
import { axe } from './support/axe.ts';
import { openSession, send, waitForHistory } from '../test/helpers/visitor-api.ts';
import type { Frame } from '@playwright/test';

const ADMIN = 'privacy-admin@example.com';
const PASSWORD = 'correct horse battery staple 15';

/** What the store holds of a conversation, read from its SQLite files beside the running server (WAL mode allows a reader). */
function storedOf(dataDir: string, conversationId: string): { live: number; archived: number; messages: number } {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  try {
    db.prepare('ATTACH DATABASE ? AS archive').run(join(dataDir, 'parley-archive.db'));
    const count = (sql: string) => (db.prepare(sql).get(conversationId) as { n: number }).n;
    return {
      live: count('SELECT count(*) AS n FROM main.conversations WHERE id = ?'),
      archived: count('SELECT count(*) AS n FROM archive.conversations WHERE id = ?'),
      messages: count('SELECT count(*) AS n FROM main.messages WHERE conversation_id = ?') + count('SELECT count(*) AS n FROM archive.messages WHERE conversation_id = ?'),
    };
  } finally {
    db.close();
  }
}

/** The live conversations' ids, read beside the running server. */
function conversationIds(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  try {
    return db.prepare('SELECT id FROM conversations').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/**
 * The generations of data key (encryption at rest) that seal the conversation's stored messages,
 * and those the key store still holds for it, read from both files beside the running server.
 */
function generationsOf(dataDir: string, conversationId: string): { sealing: number[]; kept: number[] } {
  const data = new Database(join(dataDir, 'parley.db'), { readonly: true });
  const keys = new Database(join(dataDir, 'parley-keys.db'), { readonly: true });
  try {
    const texts = data.prepare('SELECT text FROM messages WHERE conversation_id = ?').pluck().all(conversationId) as string[];
    const sealing = [...new Set(texts.map((text) => Number(/^sealed1:(\d+):/.exec(text)?.[1] ?? 0)))];
    const kept = keys.prepare('SELECT generation FROM data_keys WHERE conversation_id = ?').pluck().all(conversationId) as number[];
    return { sealing, kept };
  } finally {
    data.close();
    keys.close();
  }
}

/** Answers what the bot asked (a form's answer shows masked, so it is found by count): resolves once the bot spoke again. */
async function answer(frame: FrameLocator, text: string): Promise<void> {
  const before = (await transcript(frame)).length;
  const box = frame.getByRole('textbox');
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(async () => {
    const shown = await transcript(frame);
    return shown.length >= before + 2 && shown.at(-1)!.sender !== 'visitor';
  }, { message: `the bot's answer after "${text}"` }).toBe(true);
}

/** The frame's menu button. */
const menuButton = (frame: FrameLocator) => frame.getByRole('button', { name: 'Conversation options' });

test.describe('data protection', () => {
  let parley: ParleyProcess;
  let host: HostSite;
  test.beforeAll(async () => {
    // The demo bot without live handover: a bot that hands over to humans must store its conversations.
    const bots = demoBotsDir((bot) => {
      delete bot.handover;
    });
    parley = await startParley({ ...E2E_ENV, BOTS_DIR: bots });
    host = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  });
  test.afterAll(async () => {
    await host?.stop();
    await parley?.stop();
  });

  async function adminOnBots(page: Page): Promise<void> {
    await choosePassword(page, createAdmin(parley, ADMIN), PASSWORD);
    await signIn(page, ADMIN, PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    await page.getByRole('button', { name: 'Bots' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Bots: data protection' })).toBeVisible();
    await expect(page.getByText('As in the definition file (bots/demo.json)')).toBeVisible();
  }

  test('storage off, set in the console, takes effect on the visitor’s next message', async ({ page, browser }) => {
    await page.goto(host.url);
    const earlier = conversationIds(parley.dataDir);
    const frame = await openChat(page);
    const before = `kept-${Date.now()}`;
    await sendAndAwaitReply(frame, `What are your opening hours? ${before}`);
    const [id] = conversationIds(parley.dataDir).filter((c) => !earlier.includes(c));
    // Stored, sealed (so never in a file as typed), with its data key in the key store.
    expect(storedOf(parley.dataDir, id!).messages).toBeGreaterThanOrEqual(2);
    expect(filesContaining(parley.dataDir, before)).toEqual([]);
    const { sealing } = generationsOf(parley.dataDir, id!);
    expect(sealing.every((g) => g > 0)).toBe(true);
    expect(generationsOf(parley.dataDir, id!).kept).toEqual(expect.arrayContaining(sealing));

    const consolePage = await (await browser.newContext()).newPage();
    await adminOnBots(consolePage);
    const store = consolePage.getByRole('checkbox', { name: 'Store conversations' });
    await expect(store).toBeChecked();
    await store.uncheck();
    await consolePage.getByRole('button', { name: 'Save settings' }).click();
    await expect(consolePage.getByRole('status')).toContainText("Saved version 1 of Nordlys assistant's settings");
    await expect(consolePage.getByText(/^Version 1, saved /)).toBeVisible();

    const after = `forgotten-${Date.now()}`;
    const shown = await sendAndAwaitReply(frame, `Do you have a phone number? ${after}`);
    expect(shown.some((m) => m.text.includes(after))).toBe(true);
    // The turn forgets the exchange, and the conversation before it, once its reply is out: the
    // rows go, and so do the data keys that sealed them (reaching every copy, backups included).
    await expect.poll(() => storedOf(parley.dataDir, id!).messages, { message: 'the conversation’s stored messages' }).toBe(0);
    expect(generationsOf(parley.dataDir, id!).kept.filter((g) => sealing.includes(g))).toEqual([]);
    expect(filesContaining(parley.dataDir, after)).toEqual([]);
    expect(filesContaining(parley.dataDir, before)).toEqual([]);
    await page.reload();
    const again = await openChat(page);
    await expect(again.getByRole('textbox')).toBeEnabled();
    expect(await transcript(again)).toEqual([]);

    // The audit log names the change, before and after.
    await consolePage.getByRole('button', { name: 'Audit log' }).click();
    await expect(consolePage.getByRole('cell', { name: 'bot.settings.change' }).first()).toBeVisible();
    await expect(consolePage.getByText('storeConversations.before').first()).toBeVisible();

    // Storage back on for the next test.
    await consolePage.getByRole('button', { name: 'Bots' }).click();
    await consolePage.getByRole('checkbox', { name: 'Store conversations' }).check();
    await consolePage.getByRole('button', { name: 'Save settings' }).click();
    await expect(consolePage.getByRole('status')).toContainText('Saved version 2');
  });

  test('a visitor downloads and then deletes their conversation from the frame on a CSP-strict page, by keyboard; nothing of it stays', async ({ page }) => {
    await page.goto(host.url);
    const frame = await openChat(page);
    const marker = `erase-me-${Date.now()}`;
    await sendAndAwaitReply(frame, `Hello, my order is ${marker}`);
    await answer(frame, 'I want to book a demo');
    await answer(frame, 'Ada Lovelace');
    await answer(frame, `${marker}@example.org`);
    // Kept sealed: in no file as typed.
    expect(filesContaining(parley.dataDir, marker)).toEqual([]);

    // Download: the menu button by keyboard, Enter opens the menu onto its first item.
    await menuButton(frame).focus();
    await page.keyboard.press('Enter');
    const download = frame.getByRole('menuitem', { name: 'Download this conversation' });
    await expect(download).toBeFocused();
    const saving = page.waitForEvent('download');
    await page.keyboard.press('Enter');
    const file = await saving;
    expect(file.suggestedFilename()).toMatch(/^parley-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync(await file.path(), 'utf8')) as SubjectExport;
    expect(exported).toMatchObject({ format: SUBJECT_EXPORT_FORMAT, audience: 'visitor' });
    const [conversation] = exported.conversations;
    expect(conversation!.messages.map((m) => m.text)).toContain(`Hello, my order is ${marker}`);
    expect(conversation!.values).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'email', value: `${marker}@example.org` })]));
    await expect(frame.getByRole('status').filter({ hasText: 'Your conversation was downloaded.' })).toBeVisible();
    await expect(menuButton(frame)).toBeFocused();
    expect(storedOf(parley.dataDir, conversation!.id).live).toBe(1);
    expect(generationsOf(parley.dataDir, conversation!.id).kept).not.toEqual([]);

    // Delete: the arrow keys reach the second item; the confirmation takes focus on Cancel; Escape
    // cancels it (and leaves the chat open), then the deletion is confirmed.
    await page.keyboard.press('ArrowDown');
    await expect(frame.getByRole('menuitem', { name: 'Download this conversation' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(frame.getByRole('menuitem', { name: 'Delete this conversation' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(frame.getByRole('menu')).toBeHidden();
    await expect(menuButton(frame)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(frame.getByRole('menuitem', { name: 'Delete this conversation' })).toBeFocused();
    await page.keyboard.press('Enter');
    const confirm = frame.getByRole('alertdialog', { name: 'Delete this conversation?' });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(chatFrame(page).getByRole('textbox')).toBeVisible();
    await menuButton(frame).focus();
    await page.keyboard.press('ArrowUp');
    await expect(frame.getByRole('menuitem', { name: 'Delete this conversation' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(confirm.getByRole('button', { name: 'Delete' })).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(frame.getByRole('status').filter({ hasText: 'Your conversation was deleted.' })).toBeVisible();
    await expect(frame.getByRole('button', { name: 'Start a new conversation' })).toBeFocused();
    expect(await transcript(frame)).toEqual([]);

    // Nothing of it in the store, the archive, or any file of the data directory (WAL included).
    expect(storedOf(parley.dataDir, conversation!.id)).toEqual({ live: 0, archived: 0, messages: 0 });
    expect(generationsOf(parley.dataDir, conversation!.id).kept).toEqual([]);
    expect(filesContaining(parley.dataDir, marker)).toEqual([]);
    expect(filesContaining(parley.dataDir, conversation!.id)).toEqual([]);

    // A new conversation starts only when the visitor asks for one, and holds nothing of the old one.
    await page.keyboard.press('Enter');
    await awaitSession(frame);
    await expect.poll(async () => (await transcript(frame)).length).toBeGreaterThan(0);
    expect((await transcript(frame)).some((m) => m.text.includes(marker))).toBe(false);
  });

  test.describe('accessibility', () => {
    // axe injects its own script: run it where CSP does not apply (the tests above are the CSP-strict runs).
    test.use({ bypassCSP: true });

    const frameOf = (page: Page): Frame => page.frames().find((f) => f.url().includes('/frame.html'))!;

    test('an administrator exports and then erases one conversation in Data requests; axe finds nothing on the menu, the confirmations and both screens', async ({ page, browser }) => {
      await page.goto(host.url);
      const frame = await openChat(page);
      await sendAndAwaitReply(frame, 'hello there');
      await menuButton(frame).click();
      await expect(frame.getByRole('menu')).toBeVisible();
      expect(await axe(frameOf(page)), 'frame with the menu open').toEqual([]);
      await frame.getByRole('menuitem', { name: 'Delete this conversation' }).click();
      await expect(frame.getByRole('alertdialog')).toBeVisible();
      expect(await axe(frameOf(page)), 'frame asking to confirm the deletion').toEqual([]);

      // A conversation to ask about, started over the visitor API.
      const session = await openSession(parley.url, { origin: host.origin });
      const marker = `request-${Date.now()}`;
      expect((await send(parley.url, session.token, 'c1', `my order ${marker}`)).status).toBe(202);
      await waitForHistory(parley.url, session.token, (m) => m.length >= 3);

      const admin = await (await browser.newContext({ bypassCSP: true })).newPage();
      await choosePassword(admin, createAdmin(parley, 'requests-admin@example.com'), PASSWORD);
      await signIn(admin, 'requests-admin@example.com', PASSWORD);
      await admin.getByRole('button', { name: 'Bots' }).click();
      await expect(admin.getByRole('checkbox', { name: 'Store conversations' })).toBeVisible();
      expect(await axe(admin.mainFrame()), 'console: Bots').toEqual([]);

      await admin.getByRole('button', { name: 'Data requests' }).click();
      await expect(admin.getByRole('heading', { level: 1, name: 'Data requests' })).toBeFocused();
      await admin.getByLabel('Conversation id').fill(session.conversationId);
      const saving = admin.waitForEvent('download');
      await admin.getByRole('button', { name: 'Export as JSON' }).click();
      const exported = JSON.parse(readFileSync(await (await saving).path(), 'utf8')) as SubjectExport;
      expect(exported).toMatchObject({ audience: 'administrator', scope: { kind: 'conversation', conversationId: session.conversationId } });
      expect(exported.conversations[0]!.messages.map((m) => m.text)).toContain(`my order ${marker}`);
      await expect(admin.getByRole('status')).toHaveText(/^Exported 1 conversation as parley-export-/);

      await admin.getByRole('button', { name: 'Erase…' }).click();
      const confirm = admin.getByRole('alertdialog', { name: 'Erase for good?' });
      await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
      expect(await axe(admin.mainFrame()), 'console: Data requests, confirming').toEqual([]);
      await confirm.getByRole('button', { name: 'Erase for good' }).click();
      await expect(admin.getByRole('status')).toHaveText('Erased 1 conversation.');
      expect(filesContaining(parley.dataDir, marker)).toEqual([]);
      await admin.getByRole('button', { name: 'Export as JSON' }).click();
      await expect(admin.getByRole('alert')).toHaveText('Parley holds nothing under this conversation id or visitor');
    });
  });
});
