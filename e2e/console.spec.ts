// The operator console's page as a person meets it before signing in: rendered under its own
// strict CSP with no violation, accessible (axe, desktop and phone), usable by keyboard alone,
// never shown inside another site's frame, and showing the server's own error words as text.
// The signed-in flows (sign in, change password, invite) are in console-flow.spec.ts.
import type { Page } from '@playwright/test';
import { axe } from './support/axe.ts';
import { expect, test } from './support/fixtures.ts';
import { startHost } from './support/host-server.ts';

/** The console's policy, its realtime relay (the embedded server: the page's own host) in connect-src for the live handover queue. */
const consoleCsp = (parleyUrl: string) => {
  const url = new URL(parleyUrl);
  return (
    `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws://${url.hostname}:${url.port}; img-src 'self' data:; form-action 'self'; ` +
    "base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'"
  );
};

/** The JSON error the console API answered to the next request to `path`. */
async function nextErrorMessage(page: Page, path: string): Promise<string> {
  const res = await page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST');
  expect(res.status(), `${path} refuses`).toBeGreaterThanOrEqual(400);
  const body = (await res.json()) as { error: { message: string } };
  return body.error.message;
}

test('console: the sign-in page renders under its strict CSP with no violation', async ({ page, parley }) => {
  const res = await page.goto(`${parley.url}/console/`);
  expect(res?.headers()['content-security-policy']).toBe(consoleCsp(parley.url));
  expect(res?.headers()['x-frame-options']).toBe('DENY');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('E-mail')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  // The guard fixture fails the test on any CSP or Trusted Types violation, console error or dialog.
});

test('console: bad credentials show the server’s error message, as text, next to the form', async ({ page, parley }) => {
  await page.goto(`${parley.url}/console/`);
  await page.getByLabel('E-mail').fill('nobody@example.com');
  await page.getByLabel('Password').fill('not the password at all');
  const answered = nextErrorMessage(page, '/api/v1/console/session');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const message = await answered;
  expect(message.length).toBeGreaterThan(0);
  await expect(page.getByRole('alert')).toHaveText(message);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
});

test('console: signing in works by keyboard alone, with a visible focus ring', async ({ page, parley }) => {
  await page.goto(`${parley.url}/console/`);
  const heading = page.getByRole('heading', { level: 1, name: 'Sign in' });
  await expect(heading).toBeFocused();
  await page.keyboard.press('Tab');
  const email = page.getByLabel('E-mail');
  await expect(email).toBeFocused();
  // :focus-visible draws a 3px outline: focus must be seen, not guessed.
  expect(await email.evaluate((el) => getComputedStyle(el).outlineWidth)).toBe('3px');
  await page.keyboard.type('nobody@example.com');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type('not the password at all');
  const answered = nextErrorMessage(page, '/api/v1/console/session');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText(await answered);
});

test('console: a set-password link leaves the address bar at once and shows the server’s answer', async ({ page, parley }) => {
  await page.goto(`${parley.url}/console/#set-password=not-a-real-token`);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your password' })).toBeVisible();
  expect(new URL(page.url()).hash, 'the token is gone from the address bar').toBe('');
  await page.getByLabel('New password', { exact: true }).fill('a long enough passphrase 42');
  await page.getByLabel('New password again').fill('a long enough passphrase 42');
  const answered = nextErrorMessage(page, '/api/v1/console/password/set');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('alert')).toHaveText(await answered);
});

test.describe('console framed by another site', () => {
  // The refusal itself is reported on the console as a frame-ancestors message; asserted below.
  test.use({ strictGuard: false });

  test('console: another origin cannot show the console in a frame', async ({ page, parley, guard }) => {
    const parleyOrigin = new URL(parley.url).origin;
    const site = await startHost({
      parleyUrl: parley.url,
      policy: `default-src 'none'; frame-src ${parleyOrigin}`,
      html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing site</title></head><body><iframe src="${parley.url}/console/" title="Console"></iframe></body></html>`,
    });
    try {
      await page.goto(site.url);
      await expect.poll(() => guard.consoleErrors.join('\n'), { message: 'the frame-ancestors refusal' }).toMatch(/frame-ancestors 'none'/);
      const child = () => page.frames().find((f) => f.parentFrame() === page.mainFrame());
      await expect.poll(() => child()?.url()).toMatch(/^chrome-error:/);
      await expect(page.frameLocator('iframe').getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
    } finally {
      await site.stop();
    }
    expect(guard.violations).toEqual([]);
    expect(guard.dialogs).toEqual([]);
  });
});

for (const size of [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
]) {
  test.describe(`console on ${size.name}`, () => {
    // axe injects its own script and builds HTML: run it where CSP does not apply. The CSP-strict
    // runs are the tests above.
    test.use({ viewport: size.viewport, bypassCSP: true });

    test(`console: axe finds no violations on the sign-in page, before and after an error (${size.name})`, async ({ page, parley }, testInfo) => {
      await page.goto(`${parley.url}/console/`);
      await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
      expect(await axe(page.mainFrame()), 'sign-in page').toEqual([]);

      await page.getByLabel('E-mail').fill('nobody@example.com');
      await page.getByLabel('Password').fill('not the password at all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).not.toBeEmpty();
      const path = testInfo.outputPath(`console-sign-in-${size.name}.png`);
      await page.screenshot({ path });
      await testInfo.attach(`console-sign-in-${size.name}`, { path, contentType: 'image/png' });
      expect(await axe(page.mainFrame()), 'sign-in page with an error').toEqual([]);
      // Nothing wider than the screen: usable on a phone without sideways scrolling.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.viewport.width);
    });
  });
}
