// The live handover as the two people in it see it (issue 14), in two browser contexts: a visitor
// on a CSP-strict host page asks for a person; an operator signed in to the console, available,
// sees it appear in the queue without reloading and takes it; they write to each other with
// typing indicators both ways (a canned reply, an internal note the visitor never sees); the
// operator resolves; the visitor rates with the keyboard; the bot answers again. Once with the
// embedded realtime server and once through soketi; every console channel event is sealed. Then
// axe on the console's handover screens at desktop and phone sizes.
import type { Browser, BrowserContext, FrameLocator, Page, TestInfo } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { parleyEnvFor, startSoketi, type RunningSoketi } from '../test/helpers/soketi.ts';
import { axe } from './support/axe.ts';
import { openChat, sendAndAwaitReply, transcript } from './support/chat.ts';
import { signIn } from './support/console.ts';
import { expect, test } from './support/fixtures.ts';
import { installGuard, type Guard } from './support/guard.ts';
import { ADMIN, member, OPERATOR, startHandoverWorld, type HandoverWorld, type StaffMember } from './support/handover-world.ts';

interface ConsoleEvent {
  host: string;
  channel: string;
  event: string;
  data: string;
}

/** Every event the console page receives on its own channels, raw, as the relay sent it. */
function watchConsoleChannels(page: Page): ConsoleEvent[] {
  const seen: ConsoleEvent[] = [];
  page.on('websocket', (ws) => {
    const host = new URL(ws.url()).host;
    ws.on('framereceived', ({ payload }) => {
      try {
        const frame = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8')) as { event?: string; channel?: string; data?: unknown };
        if (frame.channel?.startsWith('private-encrypted-console-') && !frame.event?.startsWith('pusher')) {
          seen.push({ host, channel: frame.channel, event: frame.event ?? '', data: String(frame.data) });
        }
      } catch {
        // not a Pusher protocol frame
      }
    });
  });
  return seen;
}

/** An operator (or supervisor), in a browser of their own, signed in and on the Handovers screen, available. */
async function operatorOnDuty(browser: Browser, world: HandoverWorld, options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {}, person: StaffMember = OPERATOR) {
  const context = await browser.newContext(options);
  const guard = await installGuard(context);
  const page = await context.newPage();
  const events = watchConsoleChannels(page);
  await page.goto(`${world.parley.url}/console/`);
  await signIn(page, person.email, person.password);
  await page.getByRole('button', { name: 'Handovers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Handovers' })).toBeVisible();
  // Available: the heartbeat's first PUT has been answered before any visitor asks.
  const presence = page.waitForResponse((r) => r.url().endsWith('/api/v1/console/presence') && r.request().method() === 'PUT' && r.status() === 200);
  await page.getByLabel('Available for conversations').check();
  await presence;
  await expect(page.getByRole('heading', { name: /^Waiting \(\d+\)$/ })).toBeVisible();
  await expect(page.locator('.live-status')).toHaveText(''); // connected, queue channel subscribed
  return { context, guard, page, events };
}

/** Saved under test-results/ (kept after the run) and attached to the report. */
async function shoot(page: Page, testInfo: TestInfo, name: string, fullPage = false): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** A server of its own for the describe block this is called in, started before its tests and stopped after; read it in the tests. */
function worldOfThisBlock(): () => HandoverWorld {
  let world: HandoverWorld | undefined;
  test.beforeAll(async () => {
    world = await startHandoverWorld();
  });
  test.afterAll(async () => {
    await world?.stop();
  });
  return () => world!;
}

function expectClean(guard: Guard): void {
  expect(guard.violations, 'CSP / Trusted Types violations in the console').toEqual([]);
  expect(guard.consoleErrors, 'CSP / Trusted Types console errors in the console').toEqual([]);
  expect(guard.dialogs, 'dialogs in the console').toEqual([]);
}

const visitorStatus = (frame: FrameLocator) => frame.locator('.status');

/** The visitor asks for a person; returns once the bot has answered that turn. */
async function askForAPerson(page: Page, world: HandoverWorld): Promise<FrameLocator> {
  await page.goto(world.site.url);
  const frame = await openChat(page);
  await sendAndAwaitReply(frame, 'I want to talk to a person');
  return frame;
}

async function roundTrip(page: Page, browser: Browser, world: HandoverWorld, relayHost: string): Promise<void> {
  const op = await operatorOnDuty(browser, world);
  try {
    let reloads = 0;
    op.page.on('framenavigated', (f) => {
      if (f === op.page.mainFrame()) reloads++;
    });

    // The visitor's typing goes to the server only while an operator holds the conversation.
    const typingPosts: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/typing')) typingPosts.push(r.postData() ?? '');
    });

    await expect(op.page.getByRole('heading', { name: 'Waiting (0)' })).toBeVisible();
    const frame = await askForAPerson(page, world);
    expect(typingPosts, 'typing before anyone joined').toEqual([]);

    // The operator's queue shows it without a reload; they take it.
    await expect(op.page.getByRole('heading', { name: 'Waiting (1)' })).toBeVisible();
    const item = op.page.locator('.handover').filter({ hasText: 'demo' });
    await expect(item).toContainText(world.site.origin);
    await item.getByRole('button', { name: 'Take' }).click();
    await expect(op.page.getByRole('heading', { level: 1, name: 'Conversation on demo' })).toBeVisible();
    await expect(op.page.getByRole('log', { name: /Conversation/ })).toContainText('I want to talk to a person');

    // The visitor is told who joined, by first name, in the frame's language (from the notice, not the stored text).
    await expect(frame.locator('.msg.notice').last()).toHaveText(`${OPERATOR.firstName} joined the conversation.`);

    // Operator → visitor, with "Olga is typing…" while the operator types.
    const reply = op.page.getByLabel('Your reply to the visitor');
    await reply.pressSequentially('Hello, this is Olga', { delay: 20 });
    await expect(visitorStatus(frame)).toHaveText(`${OPERATOR.firstName} is typing…`);
    await reply.pressSequentially('. How can I help?', { delay: 10 });
    await reply.press('Enter');
    const fromOperator = frame.locator('.msg.operator').last();
    await expect(fromOperator.locator('.bubble')).toHaveText('Hello, this is Olga. How can I help?');
    await expect(fromOperator.locator('.author')).toHaveText(`${OPERATOR.firstName}:`);
    await expect(visitorStatus(frame)).toHaveText('');

    // Visitor → operator, with "The visitor is typing…"; the address is masked for the operator.
    const box = frame.getByRole('textbox');
    await box.pressSequentially('My order has not arrived', { delay: 20 });
    await expect(op.page.getByText('The visitor is typing…')).toBeVisible();
    expect(typingPosts[0]).toBe('{"typing":true}');
    await box.pressSequentially(', write to kari.nordmann@example.com', { delay: 5 });
    await box.press('Enter');
    const log = op.page.getByRole('log', { name: /Conversation/ });
    await expect(log).toContainText('My order has not arrived');
    await expect(log).not.toContainText('kari.nordmann@example.com');
    await expect(op.page.getByText('The visitor is typing…')).toBeHidden();

    // A canned reply, edited in the box before it goes.
    await op.page.getByLabel('Canned reply').selectOption({ label: 'Checking' });
    await expect(reply).toHaveValue(/Let me check that for you/);
    await reply.press('Enter');
    await expect(frame.locator('.msg.operator').last().locator('.bubble')).toHaveText(/Let me check that for you/);

    // An internal note: shown to colleagues, never to the visitor.
    await op.page.getByLabel('New note').fill('Parcel 4711 stuck in Drammen');
    await op.page.getByRole('button', { name: 'Add note' }).click();
    await expect(op.page.locator('.notes')).toContainText('Parcel 4711 stuck in Drammen');

    // Resolve: the visitor is told the operator left and offered the rating.
    await op.page.getByLabel('Outcome').selectOption('answered');
    await op.page.getByLabel('Internal note (optional)').fill('Sent a new parcel');
    await op.page.getByRole('button', { name: 'Resolve and hand back to the bot' }).click();
    await expect(op.page.locator('.facts')).toContainText('Resolved');
    await expect(frame.locator('.msg.notice').last()).toHaveText(`${OPERATOR.firstName} left the conversation.`);
    const rating = frame.getByRole('group', { name: `How was your conversation with ${OPERATOR.firstName}?` });
    await expect(rating).toBeVisible();

    // Rating with the keyboard only: focus the first star, arrow to the fourth, tab to the comment.
    await rating.getByRole('radio', { name: '1 of 5 stars' }).focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect(rating.getByRole('radio', { name: '4 of 5 stars' })).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(rating.getByLabel('Comment (optional)')).toBeFocused();
    await page.keyboard.type('Quick and kind');
    await page.keyboard.press('Tab');
    await expect(rating.getByRole('button', { name: 'Send rating' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(frame.getByText('Thank you for your feedback!')).toBeVisible();

    // Stored for reports.
    await expect
      .poll(async () => {
        const answer = await world.admin.request<{ handovers: { rating: unknown; resolution: unknown }[] }>('GET', '/handovers?state=resolved');
        return answer.body.handovers.map((h) => [h.resolution, h.rating]);
      })
      .toEqual([['answered', { score: 4, comment: 'Quick and kind' }]]);

    // The bot answers again; typing is no longer sent.
    const typedDuringHandover = typingPosts.length;
    const after = await sendAndAwaitReply(frame, 'what are your opening hours?');
    expect(after[after.length - 1]!.sender).toBe('bot');
    expect(typingPosts.length, 'typing after the operator left').toBe(typedDuringHandover);

    // Nothing the visitor saw came from the note.
    expect((await transcript(frame)).map((m) => m.text).join('\n')).not.toContain('Parcel 4711');

    // The console never reloaded, and every event on its channels came through the relay sealed.
    expect(reloads).toBe(0);
    expect(op.events.length).toBeGreaterThan(0);
    expect(new Set(op.events.map((e) => e.host))).toEqual(new Set([relayHost]));
    for (const e of op.events) {
      const data = JSON.parse(e.data) as { nonce?: unknown; ciphertext?: unknown };
      expect(typeof data.nonce === 'string' && typeof data.ciphertext === 'string', `${e.channel} ${e.event} sealed`).toBe(true);
      for (const plain of ['Hello, this is Olga', 'My order has not arrived', 'Parcel 4711']) expect(e.data).not.toContain(plain);
    }
    expectClean(op.guard);
  } finally {
    await op.context.close();
  }
}

test.describe('live handover, embedded realtime', () => {
  const world = worldOfThisBlock();

  test('handover: visitor asks, operator takes it live, both type and write, operator resolves, visitor rates, bot answers again', async ({ page, browser }) => {
    await roundTrip(page, browser, world(), new URL(world().parley.url).host);
  });
});

test.describe('live handover through soketi', () => {
  let soketi: RunningSoketi;
  let world: HandoverWorld;
  test.beforeAll(async () => {
    const app = { appId: '4243', key: `key${randomBytes(6).toString('hex')}`, secret: randomBytes(16).toString('hex') };
    soketi = await startSoketi(app);
    world = await startHandoverWorld(parleyEnvFor(app, soketi));
  });
  test.afterAll(async () => {
    await world?.stop();
    await soketi?.stop();
  });

  test('handover through soketi: the same conversation, every console event sealed on the relay', async ({ page, browser }) => {
    await roundTrip(page, browser, world, `${soketi.host}:${soketi.port}`);
  });
});

test.describe('reassign', () => {
  const world = worldOfThisBlock();

  test('handover: Per is told plainly that Olga took it first; a supervisor moves it from Olga to Per, who sees it arrive without reloading and answers', async ({ page, browser }) => {
    const SUPERVISOR = member('siri@example.com', 'Siri Berg');
    const PER = member('per@example.com', 'Per Hansen');
    await world().staff(SUPERVISOR, 'supervisor');
    await world().staff(PER, 'operator');
    const per = await operatorOnDuty(browser, world(), {}, PER);
    const supervisor = await operatorOnDuty(browser, world(), {}, SUPERVISOR);
    try {
      const olga = world().operator.client;
      expect((await olga.request('PUT', '/presence', { available: true })).status).toBe(200);
      const frame = await askForAPerson(page, world());
      const waiting = await olga.request<{ handovers: { id: string }[] }>('GET', '/handovers?state=waiting');
      expect(waiting.body.handovers).toHaveLength(1);

      // Per has it open, waiting; Olga takes it first; Per's "take" is refused in plain words.
      await per.page.locator('.handover').getByRole('button', { name: 'Open' }).click();
      const takeIt = per.page.getByRole('button', { name: 'Take this conversation' });
      await expect(takeIt).toBeVisible();
      expect((await olga.request('POST', `/handovers/${waiting.body.handovers[0]!.id}/take`)).status).toBe(200);
      await takeIt.click();
      await expect(per.page.getByRole('alert').filter({ hasText: 'Someone else took this conversation first.' })).toBeVisible();
      await expect(per.page.locator('.facts')).toContainText(`Assigned · ${OPERATOR.displayName}`);
      await expect(takeIt).toBeHidden();
      await per.page.getByRole('button', { name: '← Back to handovers' }).click();
      await expect(per.page.getByRole('heading', { name: 'Waiting (0)' })).toBeVisible();
      await expect(frame.locator('.msg.notice').last()).toContainText(OPERATOR.firstName);

      // The supervisor sees Olga's conversation among those others hold, opens it and moves it to Per.
      await expect(supervisor.page.getByRole('heading', { name: 'Held by others (1)' })).toBeVisible();
      await supervisor.page.locator('.handover').filter({ hasText: OPERATOR.displayName }).getByRole('button', { name: 'Open' }).click();
      await expect(supervisor.page.locator('.facts')).toContainText(`Assigned · ${OPERATOR.displayName}`);
      await supervisor.page.getByLabel('Operator', { exact: true }).selectOption({ label: `${PER.displayName} (available)` });
      await supervisor.page.getByRole('button', { name: 'Reassign', exact: true }).click();
      await expect(supervisor.page.locator('.facts')).toContainText(`Assigned · ${PER.displayName}`);

      // Per's queue shows it as theirs, live; the visitor is told Per joined; Per answers.
      await expect(per.page.getByRole('heading', { name: 'Yours (1)' })).toBeVisible();
      await per.page.locator('.handover').getByRole('button', { name: 'Open' }).click();
      await expect(frame.locator('.msg.notice').last()).toContainText(PER.firstName);
      await per.page.getByLabel('Your reply to the visitor').fill('Per here, I will take it from here.');
      await per.page.getByLabel('Your reply to the visitor').press('Enter');
      await expect(frame.locator('.msg.operator').last().locator('.author')).toHaveText(`${PER.firstName}:`);
      expectClean(per.guard);
      expectClean(supervisor.guard);
    } finally {
      await per.context.close();
      await supervisor.context.close();
    }
  });
});

test.describe('reveal', () => {
  const world = worldOfThisBlock();

  test('handover: an administrator sees the address masked, reveals it with a reason, and the reveal is in the audit log', async ({ page, browser }) => {
    expect((await world().operator.client.request('PUT', '/presence', { available: true })).status).toBe(200);
    const frame = await askForAPerson(page, world());
    await frame.getByRole('textbox').fill('Please write to kari.nordmann@example.com');
    await frame.getByRole('textbox').press('Enter');
    await expect(frame.locator('.msg.visitor')).toHaveCount(2);

    const admin = await operatorOnDuty(browser, world(), {}, { ...ADMIN, displayName: 'Admin', firstName: 'Admin' });
    try {
      await admin.page.locator('.handover').getByRole('button', { name: 'Open' }).click();
      const log = admin.page.getByRole('log', { name: 'Conversation, personal data masked' });
      await expect(log).toContainText('Please write to');
      await expect(log).not.toContainText('kari.nordmann@example.com');
      const reason = admin.page.getByLabel('Reason (recorded in the audit log)');
      await reason.fill('Customer asked for a call-back by e-mail');
      await admin.page.getByRole('button', { name: 'Reveal personal data' }).click();
      await expect(admin.page.getByRole('log', { name: 'Conversation, unmasked' })).toContainText('Please write to kari.nordmann@example.com');
      const audit = await world().admin.request<string>('GET', '/audit/export');
      expect(audit.body).toContain('handover.reveal');
      expect(audit.body).toContain('Customer asked for a call-back by e-mail');
      expect(audit.body).not.toContain('kari.nordmann@example.com');
      expectClean(admin.guard);
    } finally {
      await admin.context.close();
    }
  });
});

test.describe('handover screens, accessibility', () => {
  const world = worldOfThisBlock();

  for (const size of [
    { name: 'desktop', viewport: { width: 1280, height: 800 } },
    { name: 'phone', viewport: { width: 390, height: 844 } },
  ]) {
    test(`handover: axe finds no violations on the queue, the conversation and the rating (${size.name})`, async ({ browser }, testInfo) => {
      // axe injects its own script: these contexts bypass CSP (the round trips above run under it).
      let visitorContext: BrowserContext | undefined;
      const op = await operatorOnDuty(browser, world(), { bypassCSP: true, viewport: size.viewport });
      try {
        visitorContext = await browser.newContext({ bypassCSP: true, viewport: size.viewport });
        const visitor = await visitorContext.newPage();
        const frame = await askForAPerson(visitor, world());
        const item = op.page.locator('.handover').last();
        await expect(item).toBeVisible();
        const noSideways = async (what: string) =>
          expect(await op.page.evaluate(() => document.documentElement.scrollWidth), `${what}: no sideways scrolling`).toBeLessThanOrEqual(size.viewport.width);
        expect(await axe(op.page.mainFrame()), 'queue').toEqual([]);
        await noSideways('queue');
        await shoot(op.page, testInfo, `${size.name}-queue`);

        await item.getByRole('button', { name: 'Take' }).click();
        await expect(op.page.getByLabel('Your reply to the visitor')).toBeVisible();
        await op.page.getByLabel('Your reply to the visitor').fill('Hello from the accessibility check');
        await op.page.getByLabel('Your reply to the visitor').press('Enter');
        await expect(frame.locator('.msg.operator')).toHaveCount(1);
        expect(await axe(op.page.mainFrame()), 'conversation').toEqual([]);
        await noSideways('conversation');
        await shoot(op.page, testInfo, `${size.name}-conversation`, true);

        await op.page.getByRole('button', { name: 'Resolve and hand back to the bot' }).click();
        await expect(frame.getByRole('group', { name: /How was your conversation/ })).toBeVisible();
        const chat = visitor.frames().find((f) => f.url().includes('/frame.html'));
        expect(chat, 'chat frame').toBeDefined();
        expect(await axe(chat!), 'chat frame with operator messages, notices and the rating').toEqual([]);
        await shoot(visitor, testInfo, `${size.name}-visitor-rating`);
      } finally {
        await visitorContext?.close();
        await op.context.close();
      }
    });
  }
});
