// The conversation browser as the people in it see it (issue 15). A visitor on a CSP-strict host
// page books a demo (the form asks for a name and an e-mail) and then types a phone number freely.
// A supervisor of the bot finds that conversation by the intent it reached and sees the name, the
// address and the number masked; no "Reveal" for them until an administrator allows it on the
// Users screen; then they reveal with a reason, see it all on that screen only, and the
// administrator finds the reveal in the audit log. An operator cannot reach the browser at all:
// no menu entry, the page by its path says so, the API answers 403. Then axe on the screens.
import type { Browser, FrameLocator, Page } from '@playwright/test';
import { axe } from './support/axe.ts';
import { openChat, transcript } from './support/chat.ts';
import { signIn } from './support/console.ts';
import { expect, test } from './support/fixtures.ts';
import { installGuard, type Guard } from './support/guard.ts';
import { history, openSession, send } from '../test/helpers/visitor-api.ts';
import { ADMIN, member, OPERATOR, startHandoverWorld, type HandoverWorld, type StaffMember } from './support/handover-world.ts';

const SUPERVISOR = member('sara@example.com', 'Sara Berg');
const NAME = 'Ada Lovelace';
const EMAIL = 'ada.lovelace@example.org';
const PHONE = '+47 912 34 567';

/** Someone in a browser of their own, signed in to the console. */
async function signedIn(browser: Browser, world: HandoverWorld, person: { email: string; password: string }, options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext(options);
  const guard = await installGuard(context);
  const page = await context.newPage();
  await page.goto(`${world.parley.url}/console/`);
  await signIn(page, person.email, person.password);
  await expect(page.getByRole('navigation', { name: 'Console' })).toBeVisible();
  return { context, guard, page };
}

const menu = (page: Page, item: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('button', { name: item });

function expectClean(guard: Guard): void {
  expect(guard.violations, 'CSP / Trusted Types violations in the console').toEqual([]);
  expect(guard.consoleErrors, 'CSP / Trusted Types console errors in the console').toEqual([]);
  expect(guard.dialogs, 'dialogs in the console').toEqual([]);
}

/**
 * Types and sends `text`, and waits for the bot's next answer. (A form's answer to a personal
 * question comes back masked from the server, so it is not found by its text.)
 */
async function say(frame: FrameLocator, text: string): Promise<void> {
  const answers = async () => (await transcript(frame)).filter((m) => m.sender !== 'visitor').length;
  const before = await answers();
  const box = frame.getByRole('textbox');
  await box.fill(text);
  await box.press('Enter');
  await expect.poll(answers, { message: `an answer to "${text}"` }).toBeGreaterThan(before);
}

/** The visitor books a demo through the form, then leaves a phone number in free text. */
async function bookADemo(page: Page, world: HandoverWorld): Promise<void> {
  await page.goto(world.site.url);
  const frame = await openChat(page);
  await say(frame, 'I would like to book a demo');
  await say(frame, NAME);
  await say(frame, EMAIL);
  await say(frame, '1–5');
  await say(frame, `You can also call me on ${PHONE}`);
}

/** On the Conversations screen, the conversations that reached `intent`, and the first one opened. */
async function openByIntent(page: Page, intent: string): Promise<void> {
  await menu(page, 'Conversations').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();
  await page.getByLabel('Intent reached').selectOption(intent);
  await page.getByRole('button', { name: 'Show conversations' }).click();
  await expect(page.getByRole('heading', { name: 'Conversations (1)' })).toBeVisible();
  await page.locator('.conversation').getByRole('button', { name: /^Open the conversation on demo/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Conversation on demo/ })).toBeFocused();
}

test.describe('conversation browser', () => {
  let world: HandoverWorld;
  test.beforeAll(async () => {
    world = await startHandoverWorld();
    await world.staff(SUPERVISOR, 'supervisor');
  });
  test.afterAll(async () => {
    await world?.stop();
  });

  test('conversations: a supervisor finds a booking, sees the form\'s e-mail and the typed phone number masked, reveals them with a reason once allowed, and the audit log shows it', async ({ page, browser }) => {
    await bookADemo(page, world);
    const sara = await signedIn(browser, world, SUPERVISOR);
    const admin = await signedIn(browser, world, ADMIN);
    try {
      // Found by the intent it reached; everything personal masked.
      await openByIntent(sara.page, 'book_demo');
      const masked = sara.page.getByRole('log', { name: 'Conversation, personal data masked' });
      await expect(masked).toContainText('You can also call me on ••••••');
      for (const secret of [NAME, EMAIL, '912 34 567', 'Lovelace']) await expect(masked).not.toContainText(secret);
      await expect(masked).toContainText('answered (book_demo)');
      await expect(sara.page.locator('.facts')).toContainText('book_demo');
      // Not allowed yet: no way to reveal.
      await expect(sara.page.getByRole('button', { name: 'Reveal personal data' })).toHaveCount(0);

      // The administrator allows it on the Users screen.
      await menu(admin.page, 'Users').click();
      const row = admin.page.locator('.user').filter({ hasText: SUPERVISOR.email });
      await row.getByRole('button', { name: 'Allow revealing personal data' }).click();
      await expect(row).toContainText('may reveal personal data');

      // The supervisor opens it again and reveals it, with a reason.
      await sara.page.getByRole('button', { name: '← Back to the list' }).click();
      await openByIntent(sara.page, 'book_demo');
      await sara.page.getByLabel('Reason (recorded in the audit log)').fill('The visitor asked us to call back, ticket 4711');
      await sara.page.getByRole('button', { name: 'Reveal personal data' }).click();
      const unmasked = sara.page.getByRole('log', { name: 'Conversation, unmasked' });
      await expect(unmasked).toContainText(`You can also call me on ${PHONE}`);
      // The form's answers were stored masked; what the visitor gave is in the collected values.
      const values = sara.page.locator('.facts').last();
      await expect(values).toContainText(EMAIL);
      await expect(values).toContainText(NAME);
      // On this screen only: back and in again, it is masked.
      await sara.page.getByRole('button', { name: '← Back to the list' }).click();
      await openByIntent(sara.page, 'book_demo');
      await expect(sara.page.getByRole('log', { name: 'Conversation, personal data masked' })).not.toContainText(EMAIL);

      // The administrator finds the reveal in the audit log, with the reason and no personal data.
      await menu(admin.page, 'Audit log').click();
      await admin.page.getByLabel('Action').fill('conversation.reveal');
      await admin.page.getByRole('button', { name: 'Show entries' }).click();
      const entry = admin.page.getByRole('row').filter({ hasText: 'conversation.reveal' });
      await expect(entry).toHaveCount(1);
      await expect(entry).toContainText('The visitor asked us to call back, ticket 4711');
      const exported = await world.admin.request<string>('GET', '/audit/export');
      for (const secret of [NAME, EMAIL, '912 34 567']) expect(exported.body).not.toContain(secret);
      expect(exported.body).toContain('conversation.view');
      expectClean(sara.guard);
      expectClean(admin.guard);
    } finally {
      await sara.context.close();
      await admin.context.close();
    }
  });

  test('conversations: an operator cannot reach the browser at all', async ({ browser }) => {
    const olga = await signedIn(browser, world, OPERATOR);
    try {
      await expect(menu(olga.page, 'Conversations')).toHaveCount(0);
      await olga.page.goto(`${world.parley.url}/console/conversations`);
      await expect(olga.page.getByRole('heading', { level: 1, name: 'Not available to your role' })).toBeVisible();
      await expect(olga.page.getByRole('alert')).toHaveText('Only administrators and supervisors may open this page.');
      const status = await olga.page.evaluate(async () => (await fetch('/api/v1/console/conversations', { credentials: 'same-origin' })).status);
      expect(status).toBe(403);
      expectClean(olga.guard);
    } finally {
      await olga.context.close();
    }
  });

  for (const size of [
    { name: 'desktop', viewport: { width: 1280, height: 800 } },
    { name: 'phone', viewport: { width: 390, height: 844 } },
  ]) {
    test(`conversations, accessibility (${size.name}): the list and a conversation pass axe`, async ({ browser }) => {
      const person: StaffMember = SUPERVISOR;
      // A conversation of its own, over the visitor API, so this test needs no other to have run.
      const visitor = await openSession(world.parley.url);
      expect((await send(world.parley.url, visitor.token, 'c1', 'what are your opening hours?')).status).toBe(202);
      await expect.poll(async () => (await history(world.parley.url, visitor.token)).some((m) => m.sender === 'bot' && m.id > 2)).toBe(true);
      const sara = await signedIn(browser, world, person, { bypassCSP: true, viewport: size.viewport });
      try {
        await menu(sara.page, 'Conversations').click();
        await expect(sara.page.getByRole('heading', { name: /^Conversations \(\d+\)$/ })).toBeVisible();
        expect(await axe(sara.page.mainFrame()), 'list').toEqual([]);
        await sara.page.locator('.conversation').first().getByRole('button', { name: /^Open/ }).click();
        await expect(sara.page.getByRole('log', { name: /^Conversation,/ })).toBeVisible();
        expect(await axe(sara.page.mainFrame()), 'conversation').toEqual([]);
      } finally {
        await sara.context.close();
      }
    });
  }
});
