// The chat's UI is a chunk of its own (widget/frame/ui/mount.tsx), fetched once the frame is told
// to. A fetch that fails (a network blip) must not leave the visitor a blank panel for good: the
// frame tries again on its own a few times once the visitor has asked for the chat, then on every
// open, and whatever happened meanwhile (the session, the open) reaches the UI once it is there.
import type { Page } from '@playwright/test';
import { chatFrame, holdFramePage, launcher } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';

/**
 * Opens the chat on a page whose UI chunk fails its first `failures` fetches, and waits until they
 * all have. The frame's page is held until the click, so every failure comes after the visitor
 * asked for the chat (a prepared frame fetches the chunk before any click, and only tries again at
 * the next open). Gives every fetch of the chunk and every session request, as they come.
 */
async function openWhileUiChunkFails(page: Page, url: string, failures: number) {
  const sessions: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/sessions') sessions.push(r.url());
  });
  const clicked = await holdFramePage(page);
  let failed = (): void => {};
  const allFailed = new Promise<void>((resolve) => (failed = resolve));
  let left = failures;
  const fetches: string[] = [];
  await page.route('**/assets/mount-*.js', async (route) => {
    fetches.push(route.request().url());
    if (left > 0) {
      if (--left === 0) failed();
      return route.abort('connectionreset');
    }
    await route.continue();
  });
  await page.goto(url);
  await launcher(page).click();
  clicked();
  await allFailed;
  return { fetches, sessions };
}

test('the UI chunk failing to arrive (its preload and its import) is fetched again on its own: the chat draws, with one session', async ({ page, host }) => {
  const chunk = await openWhileUiChunkFails(page, host.url, 2);
  // No click after the failures: the frame tries again by itself.
  await expect(chatFrame(page).locator('.log .msg.bot[data-id]')).toHaveCount(1);
  await expect(chatFrame(page).getByRole('textbox')).toBeFocused();
  expect(chunk.fetches.length).toBeGreaterThanOrEqual(3);
  expect(chunk.sessions).toHaveLength(1);
});

test('still failing after the frame has tried on its own, the next open tries again', async ({ page, host }) => {
  // The preload, the import and the frame's three tries of its own.
  const chunk = await openWhileUiChunkFails(page, host.url, 5);
  await expect(chatFrame(page).locator('.app')).toHaveCount(0);
  // The visitor closes the blank panel and opens it again.
  await launcher(page).click();
  await launcher(page).click();
  await expect(chatFrame(page).locator('.log .msg.bot[data-id]')).toHaveCount(1);
  expect(chunk.fetches).toHaveLength(6);
  expect(chunk.sessions).toHaveLength(1);
});
