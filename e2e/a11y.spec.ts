// axe-core on the host page (launcher) and inside the chat frame, with a conversation on screen,
// at desktop and phone sizes; screenshots of both attached to the test output.
import type { Frame, Page, TestInfo } from '@playwright/test';
import { axe } from './support/axe.ts';
import { chatFrame, openChat, sendAndAwaitReply } from './support/chat.ts';
import { expect, test } from './support/fixtures.ts';

/** Saved under test-results/ (kept after the run) and attached to the report. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

function chatFrameOf(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/frame.html'));
  if (!frame) throw new Error('chat frame not found');
  return frame;
}

for (const size of [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(size.name, () => {
    // axe injects its own script: run it where CSP does not apply. The CSP-strict runs are the
    // other specs; this one is about accessibility only.
    test.use({ viewport: size.viewport, bypassCSP: true });

    test(`axe finds no violations with a conversation open (${size.name})`, async ({ page, host }, testInfo) => {
      await page.goto(host.url);
      await shoot(page, testInfo, `${size.name}-closed`);
      expect(await axe(page.mainFrame()), 'host page with launcher').toEqual([]);

      const frame = await openChat(page);
      await sendAndAwaitReply(frame, 'hello');
      await expect(chatFrame(page).locator('.status')).toHaveText('');
      await shoot(page, testInfo, `${size.name}-open`);

      expect(await axe(chatFrameOf(page)), 'chat frame').toEqual([]);
      expect(await axe(page.mainFrame()), 'host page with the chat open').toEqual([]);
    });
  });
}
