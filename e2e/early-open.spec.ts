// The chat opened before the frame is ready for it (issue 17): clicked the moment the host page
// loaded, the frame's script is still on its way; opened on a prepared frame, the session has not
// answered yet. Neither may cost the visitor time or words: the session request leaves as soon as
// the frame's small first script hears `open`, without waiting for the chat's UI, and the text box
// takes keys while the session starts (what is sent then goes once it has answered).
import type { Frame, Page } from '@playwright/test';
import { chatFrame, holdFramePage, launcher } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';

const frameOf = (page: Page): Frame | undefined => page.frames().find((f) => new URL(f.url()).pathname === '/frame.html');

test('opened while the frame still loads, the session is asked for before the chat is drawn, and nothing reaches the API before the click', async ({ page, host }) => {
  const api: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url());
  });
  // The frame's page is held until the click: the visitor clicks while it loads (a slow network).
  const clicked = await holdFramePage(page);
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

test("clicked before the frame said ready: the session starts on the loader's answer, before the chat's UI script runs", async ({ page, host }) => {
  // The host page holds the frame's `ready` (a busy page still loading) until the frame's UI script
  // has arrived and the frame has drawn twice since, so a UI that runs as soon as it arrives has run.
  // Run at once, it was drawn first and the loader's `open` waited behind it (~50 ms at load on this
  // machine, issue 17); now it waits for the loader's answer, whose `open` starts the session first.
  await page.addInitScript(() => {
    const held = window as unknown as { releaseReady?: () => void };
    if (window === window.top) {
      window.addEventListener('message', (event) => {
        if (held.releaseReady || (event.data as { type?: string } | null)?.type !== 'ready') return;
        event.stopImmediatePropagation();
        const { data, origin, source } = event;
        held.releaseReady = () => window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
      }, true);
      return;
    }
    // In the frame: when the chat's UI is first drawn, on the frame's clock.
    new MutationObserver((_, observer) => {
      if (!document.querySelector('.app')) return;
      (window as unknown as { drawnAt: number }).drawnAt = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  const uiScript = page.waitForResponse((r) => /\/assets\/mount-[^/]*\.js$/.test(new URL(r.url()).pathname));

  await page.goto(host.url);
  await launcher(page).click();
  await (await uiScript).finished();
  const frame = chatFrame(page);
  await expect.poll(() => page.evaluate(() => typeof (window as unknown as { releaseReady?: unknown }).releaseReady)).toBe('function');
  await frameOf(page)!.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.evaluate(() => (window as unknown as { releaseReady: () => void }).releaseReady());
  await expect(frame.locator('.log .msg.bot[data-id]').first()).toBeVisible();

  const { sessionAt, drawnAt } = await frameOf(page)!.evaluate(() => ({
    sessionAt: performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/sessions'))?.startTime,
    drawnAt: (window as unknown as { drawnAt?: number }).drawnAt,
  }));
  expect(sessionAt, 'the session request').toBeDefined();
  expect(drawnAt, 'the chat drawn').toBeDefined();
  expect(sessionAt!, 'the session asked for before the chat was drawn').toBeLessThan(drawnAt!);
});
