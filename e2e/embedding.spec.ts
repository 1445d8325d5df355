// Where the widget may appear and under which policies: the nonce / 'strict-dynamic' variant of
// csp-whitelist.md, a site the bot does not list (the frame must not render), and a check that
// the violation guard itself sees violations in the page and in the frame.
import { awaitSession, chatFrame, launcher, openChat, sendAndAwaitReply } from './support/chat.ts';
import { hostPolicy } from './support/csp.ts';
import { expect, test } from './support/fixtures.ts';
import { startHost } from './support/host-server.ts';

test('the nonce + strict-dynamic policy of csp-whitelist.md works without violations', async ({ page, parley }) => {
  const nonce = 'cGFybGV5LWUyZS1ub25jZS0x';
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin, { nonce }), attrs: { nonce } });
  try {
    await page.goto(site.url);
    const frame = await openChat(page);
    await sendAndAwaitReply(frame, 'hello');
  } finally {
    await site.stop();
  }
});

test('a site the bot does not list gets no chat: the browser refuses the frame', async ({ page, parley, guard }) => {
  // 127.0.0.2 is loopback too, but the demo bot allows only localhost and 127.0.0.1.
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin), address: '127.0.0.2' });
  try {
    const sessions: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/sessions')) sessions.push(r.status());
    });
    await page.goto(site.url);
    await launcher(page).click();
    await expect(page.locator('iframe[title="Chat"]')).toBeVisible();
    // The browser's refusal (frame-ancestors, reported on the console) is final: the frame's
    // document is replaced by an error page, so no script of the chat can run after it.
    await expect.poll(() => guard.consoleErrors.join('\n'), { message: 'the frame-ancestors refusal' }).toMatch(/frame-ancestors/);
    await expect.poll(() => page.frames().find((f) => f.parentFrame() === page.mainFrame())?.url()).toMatch(/^chrome-error:/);
    await expect(chatFrame(page).getByRole('log')).toHaveCount(0);
    await expect(chatFrame(page).getByRole('textbox')).toHaveCount(0);
    expect(sessions, 'no session is even requested').toEqual([]);
  } finally {
    await site.stop();
  }
  // The refusal is the frame's own frame-ancestors, reported on the console, not the host's CSP.
  expect(guard.violations).toEqual([]);
  expect(guard.consoleErrors.join('\n')).toMatch(/frame-ancestors/);
  guard.consoleErrors.length = 0;
});

test.describe('the guard', () => {
  test.use({ strictGuard: false });

  test('sees violations in the host page and in the chat frame', async ({ page, host, guard }) => {
    await page.goto(host.url);
    await openChat(page);
    // Trusted Types are enforced in both documents: a raw HTML assignment must be reported.
    await page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
      } catch {
        /* blocked, as it should be */
      }
    });
    const frame = page.frames().find((f) => f.url().includes('/frame.html'))!;
    await frame.evaluate(() => {
      try {
        document.body.innerHTML = '<b>x</b>';
      } catch {
        /* blocked, as it should be */
      }
    });
    await expect.poll(() => guard.violations.map((v) => new URL(v.frame).pathname).sort()).toEqual(['/', '/frame.html']);
    expect(guard.violations.every((v) => v.directive === 'require-trusted-types-for')).toBe(true);
  });
});

test('the demo site (public/) works under the server CSP, its button opens the chat', async ({ page, parley }, testInfo) => {
  await page.goto(parley.url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect.poll(() => page.evaluate(() => typeof window.Parley)).toBe('object');
  await page.getByRole('button', { name: 'Ask us anything' }).click();
  const frame = chatFrame(page);
  await awaitSession(frame);
  await sendAndAwaitReply(frame, 'what are your opening hours?');
  await expect(page.locator('#events li').first()).toContainText(/message #\d+ from (bot|visitor)/);
  const path = testInfo.outputPath('demo-site.png');
  await page.screenshot({ path });
  await testInfo.attach('demo-site', { path, contentType: 'image/png' });
});

test('data-locale="nb" gives a Norwegian launcher, frame and bot', async ({ page, parley }) => {
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin), attrs: { 'data-locale': 'nb', 'data-colour': '#ffd60a', 'data-position': 'left' } });
  try {
    await page.goto(site.url);
    await expect(launcher(page)).toHaveAccessibleName('Åpne chat');
    await launcher(page).click();
    const frame = chatFrame(page);
    await expect(frame.getByRole('textbox', { name: 'Din melding' })).toBeVisible();
    await awaitSession(frame);
    await expect(frame.getByRole('button', { name: 'Lukk chat' })).toBeVisible();
    await expect(frame.locator('.msg.bot').first()).toContainText('Hei');
    // A light brand colour gets black text (contrast), set through CSSOM custom properties.
    await expect(frame.locator('.header')).toHaveCSS('color', 'rgb(0, 0, 0)');
    const box = await launcher(page).boundingBox();
    expect(box!.x).toBeLessThan(100);
  } finally {
    await site.stop();
  }
});
