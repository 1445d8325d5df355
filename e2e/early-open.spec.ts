// The chat opened before the frame is ready for it (issue 17): clicked the moment the host page
// loaded, the frame's script is still on its way; opened on a prepared frame, the session has not
// answered yet. Neither may cost the visitor time or words: the session request leaves as soon as
// the frame's small first script hears `open`, without waiting for the chat's UI, and the text box
// takes keys while the session starts (what is sent then goes once it has answered).
import type { Frame, Page } from '@playwright/test';
import { chatFrame, launcher } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';

const frameOf = (page: Page): Frame | undefined => page.frames().find((f) => new URL(f.url()).pathname === '/frame.html');

test('opened while the frame still loads, the session is asked for before the chat is drawn, and nothing reaches the API before the click', async ({ page, host }) => {
  const api: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url());
  });
  // The frame's page is held until the click: the visitor clicks while it loads (a slow network).
  let clicked = (): void => {};
  const click = new Promise<void>((resolve) => (clicked = resolve));
  await page.route('**/frame.html?*', async (route) => {
    await click;
    await route.continue();
  });
  // Every script of the frame after its first is held until the session request has been seen
  // (at most 10 s): a session that waits on the chat's UI script cannot get ahead of it.
  let sessionSeen = (): void => {};
  const session = new Promise<void>((resolve) => (sessionSeen = resolve));
  const scripts: string[] = [];
  await page.route('**/assets/*.js', async (route) => {
    scripts.push(route.request().url());
    if (scripts.length > 1) await Promise.race([session, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await route.continue();
  });
  let drawnAtSession: number | undefined;
  await page.route('**/api/v1/sessions', async (route) => {
    drawnAtSession = await frameOf(page)?.locator('#parley-input').count();
    sessionSeen();
    await route.continue();
  });

  await page.goto(host.url);
  expect(api, 'API requests before the click').toEqual([]);
  await launcher(page).click();
  clicked();
  await expect(chatFrame(page).locator('.log .msg.bot[data-id]').first()).toBeVisible();
  expect(drawnAtSession, 'text boxes drawn when the session was asked for').toBe(0);
  expect(api.filter((u) => u.includes('/api/v1/sessions'))).toHaveLength(1);
});

test('a visitor who types before the session has answered loses nothing: the box takes the words, sent once the session is there', async ({ page, host }) => {
  await page.goto(host.url);
  // Prepared: hidden and drawn before the visitor acts.
  await expect(chatFrame(page).getByRole('textbox', { includeHidden: true })).toBeAttached();
  let answer = (): void => {};
  const answered = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/api/v1/sessions', async (route) => {
    await answered;
    await route.continue();
  });
  await launcher(page).click();
  const box = chatFrame(page).getByRole('textbox');
  // Focused at once, while the session is held: the visitor's keys, as the browser routes them.
  await expect(box).toBeFocused();
  await page.keyboard.type('hello before the session');
  await page.keyboard.press('Enter');
  await expect(chatFrame(page).locator('.log .msg.visitor').filter({ hasText: 'hello before the session' })).toBeVisible();
  answer();
  // Stored once the session answered (an id from the server), after the greeting, and answered.
  const sent = chatFrame(page).locator('.log .msg.visitor[data-id]').filter({ hasText: 'hello before the session' });
  await expect(sent).toHaveCount(1);
  await expect(chatFrame(page).locator('.log .msg[data-id]').first()).toHaveClass(/bot/);
  await expect(chatFrame(page).locator('.log .msg.visitor[data-id] ~ .msg.bot[data-id]')).not.toHaveCount(0);
});
