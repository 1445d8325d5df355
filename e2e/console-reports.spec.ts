// Reports as a supervisor reads them (issue 15): two real conversations of the demo bot (one
// answered and missed, one handed over, answered by an operator, resolved and rated) show up in
// the console's Reports screen as key figures, uPlot charts and the tables behind them, under the
// console's strict CSP and Trusted Types (the fixture's guard fails the test on any violation); a
// table downloads as the same CSV; an operator has no Reports and is told so at its address; axe
// finds nothing on the screen at desktop and phone sizes.
import { readFile } from 'node:fs/promises';
import type { HandoverView } from '../common/handover-wire.ts';
import type { ChatMessage } from '../common/wire.ts';
import { pollUntil } from '../test/helpers/poll.ts';
import { call, openSession, send } from '../test/helpers/visitor-api.ts';
import { axe } from './support/axe.ts';
import { signIn } from './support/console.ts';
import { expect, test } from './support/fixtures.ts';
import { member, OPERATOR, startHandoverWorld, type HandoverWorld } from './support/handover-world.ts';

const SUPERVISOR = member('siri@example.com', 'Siri Supervisor');

let world: HandoverWorld;

/** Polls the visitor's history until the bot has said `n` things. */
const botSaid = (token: string, n: number) =>
  pollUntil(
    async () => (await call(world.parley.url, '/api/v1/messages?after=0', { token })).body.messages as ChatMessage[],
    (messages) => messages.filter((m) => m.sender === 'bot').length >= n,
    `${n} bot messages`,
  );

test.beforeAll(async () => {
  world = await startHandoverWorld();
  await world.staff(SUPERVISOR, 'supervisor');
  // One conversation answered, then missed.
  const first = await openSession(world.parley.url);
  await botSaid(first.token, 1);
  await send(world.parley.url, first.token, 'c-1', 'what are your opening hours');
  await botSaid(first.token, 2);
  await send(world.parley.url, first.token, 'c-2', 'my cat ate the keyboard');
  await botSaid(first.token, 3);
  // One handed over: the operator takes it, answers, resolves; the visitor rates it 5.
  const second = await openSession(world.parley.url);
  await botSaid(second.token, 1);
  const operator = world.operator.client;
  expect((await operator.request('PUT', '/presence', { available: true })).status).toBe(200);
  await call(world.parley.url, '/api/v1/messages', { token: second.token, json: { clientId: 'h', action: 'handover:yes' } });
  const queued = await pollUntil(
    () => operator.request<{ handovers: HandoverView[] }>('GET', '/handovers?state=waiting'),
    (a) => a.body.handovers?.some((h) => h.conversationId === second.conversationId),
    'the handover',
  );
  const id = queued.body.handovers.find((h) => h.conversationId === second.conversationId)!.id;
  expect((await operator.request('POST', `/handovers/${id}/take`)).status).toBe(200);
  expect((await operator.request('POST', `/handovers/${id}/messages`, { clientId: 'o', text: 'Olga here.' })).status).toBe(201);
  expect((await operator.request('POST', `/handovers/${id}/resolve`, { code: 'answered' })).status).toBe(200);
  expect((await call(world.parley.url, '/api/v1/rating', { token: second.token, json: { score: 5 } })).status).toBe(201);
});

test.afterAll(async () => {
  await world?.stop();
});

async function openReports(page: import('@playwright/test').Page, person = SUPERVISOR): Promise<void> {
  await page.goto(`${world.parley.url}/console/`);
  await signIn(page, person.email, person.password);
  await page.getByRole('button', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^Showing / })).toHaveText(/^Showing every bot you may read, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(UTC\)\.$/);
}

test('reports: a supervisor sees the figures, the charts and the tables behind them, and downloads a table as CSV', async ({ page }) => {
  await openReports(page);
  const figures = page.locator('dl.figures');
  await expect(figures.getByRole('definition').first()).toHaveText('2'); // conversations
  await expect(figures).toContainText('Handovers opened1');
  await expect(figures).toContainText('Ratings1, 5.00 of 5 on average');

  // Every section draws its chart (a uPlot canvas, hidden from screen readers) over its table.
  const sections = page.locator('section.card').filter({ has: page.locator('.chart') });
  await expect(sections).toHaveCount(9);
  for (const section of await sections.all()) {
    await expect(section.locator('.chart canvas')).toHaveCount(1);
    await expect(section.locator('.chart')).toHaveAttribute('aria-hidden', 'true');
    await expect(section.getByRole('table')).toHaveCount(1);
  }

  const intents = page.getByRole('table', { name: 'Top intents' });
  await expect(intents.getByRole('row')).toHaveText(['intentreached', 'human1', 'opening_hours1']);
  const outcomes = page.getByRole('table', { name: 'What the bot did with visitors’ messages' });
  await expect(outcomes.getByRole('row', { name: /^answered/ })).toHaveText('answered133.3');
  await expect(page.getByRole('table', { name: 'Ratings' }).getByRole('row', { name: /^5/ })).toHaveText('51');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download “Top intents” as CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^parley-all-intents-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv$/);
  expect(await readFile((await file.path())!, 'utf8')).toBe('intent,reached\r\nhuman,1\r\nopening_hours,1\r\n');

  // Another period: a day long ago has nothing in it.
  await page.getByLabel('From (UTC day)').fill('2020-01-01');
  await page.getByLabel('To (UTC day)').fill('2020-01-01');
  await page.getByRole('button', { name: 'Show report' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Showing / })).toHaveText('Showing every bot you may read, 2020-01-01 to 2020-01-01 (UTC).');
  await expect(figures.getByRole('definition').first()).toHaveText('0');
  await expect(page.getByRole('table', { name: 'Top intents' }).getByRole('row')).toHaveCount(1);
});

test('reports: an operator has no Reports, and is told so at its address', async ({ page }) => {
  await page.goto(`${world.parley.url}/console/`);
  await signIn(page, OPERATOR.email, OPERATOR.password);
  await expect(page.getByRole('button', { name: 'Handovers' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reports' })).toHaveCount(0);
  await page.goto(`${world.parley.url}/console/reports`);
  await expect(page.getByRole('heading', { level: 1, name: 'Not available to your role' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('Only administrators and supervisors may open this page.');
});

for (const size of [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test(`reports: axe finds no violations on the screen (${size.name})`, async ({ browser }) => {
    // axe injects its own script, so this context bypasses the CSP; the test above runs under it.
    const context = await browser.newContext({ bypassCSP: true, viewport: size.viewport });
    const page = await context.newPage();
    await openReports(page);
    await expect(page.locator('.chart canvas')).toHaveCount(9);
    expect(await axe(page.mainFrame())).toEqual([]);
    await context.close();
  });
}
