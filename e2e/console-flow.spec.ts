// The console as people use it, through the real API (common/console-wire.ts): the first
// administrator's one-time link from the CLI, setting a password, signing in, changing the
// password, inviting an operator whose link (printed by the server, no SMTP configured) opens in a
// second browser, the operator seeing no admin screens, and "log out everywhere". Every state
// change goes with the session's X-CSRF-Token; the violation guard runs throughout.
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { axe } from './support/axe.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { choosePassword, signIn } from './support/console.ts';
import { createAdmin, linkIn } from './support/console-cli.ts';

const ADMIN = 'admin@example.com';
const OPERATOR = 'operator@example.com';
const FIRST_PASSWORD = 'correct horse battery staple 1';
const SECOND_PASSWORD = 'a different long passphrase 2';
const OPERATOR_PASSWORD = 'a quiet harbour at dawn, 77';
const THIRD_PASSWORD = 'lanterns over the old bridge 5';

test.describe('console flow', () => {
  let parley: ParleyProcess;
  test.beforeAll(async () => {
    parley = await startParley(E2E_ENV);
  });
  test.afterAll(async () => {
    await parley.stop();
  });

  test('console: first admin sets a password, signs in, changes it, invites an operator who signs in without admin screens; log out everywhere', async ({ page, browser }) => {
    // Every state-changing console request carries the CSRF header.
    const unsent: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/console/') && r.method() !== 'GET' && !r.url().endsWith('/session') && !r.url().endsWith('/password/set') && !r.url().endsWith('/password/reset')) {
        if (!r.headers()['x-csrf-token']) unsent.push(`${r.method()} ${r.url()}`);
      }
    });

    await choosePassword(page, createAdmin(parley, ADMIN), FIRST_PASSWORD);
    await signIn(page, ADMIN, FIRST_PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    await expect(page.getByText(ADMIN)).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: /^Administrator$/ })).toBeVisible();

    // Change password: the session goes on (rotated), and the new password is the one that works.
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByLabel('Current password').fill(FIRST_PASSWORD);
    await page.getByLabel('New password').fill(SECOND_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Password changed. Every other session of yours has ended.')).toBeVisible();
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('You are logged out.');
    await signIn(page, ADMIN, FIRST_PASSWORD);
    await expect(page.getByRole('alert')).not.toBeEmpty();
    await signIn(page, ADMIN, SECOND_PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);

    // Invite an operator; the server prints the link (no SMTP_URL in this run).
    await page.getByRole('button', { name: 'Users' }).click();
    const invite = page.getByRole('form', { name: 'Invite a user' });
    await invite.getByLabel('E-mail').fill(OPERATOR);
    await invite.getByLabel('Name').fill('Olga Operator');
    await invite.getByLabel('Role').selectOption('operator');
    await invite.getByLabel('Bots').fill('demo');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText(`Invitation sent to ${OPERATOR}, unless that address has an account already`)).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: OPERATOR })).toContainText('Invited');
    await expect.poll(() => parley.output()).toContain(`for ${OPERATOR}`);

    // The sign-in policy: this administrator has no second factor, so the server refuses to require one.
    const policy = page.getByLabel('Require two-factor authentication for everyone');
    await policy.click();
    await expect(page.getByRole('alert').filter({ hasText: 'Set up your own second factor' })).toBeVisible();
    await expect(policy).not.toBeChecked();
    // Unlock answers with the user as it is (no lock here): no error shown.
    const operatorRow = page.getByRole('listitem').filter({ hasText: OPERATOR });
    await operatorRow.getByRole('button', { name: 'Unlock' }).click();
    await expect(operatorRow.getByRole('alert')).toBeEmpty();
    const operatorLink = linkIn(parley.output().split(`for ${OPERATOR}`)[1] ?? '');

    // The operator, in a browser of their own.
    const other = await browser.newContext();
    try {
      const op = await other.newPage();
      await choosePassword(op, operatorLink, OPERATOR_PASSWORD);
      await signIn(op, OPERATOR, OPERATOR_PASSWORD);
      await expect(op.getByRole('definition').filter({ hasText: /^Operator$/ })).toBeVisible();
      await expect(op.getByRole('button', { name: 'Users' })).toHaveCount(0);
      await expect(op.getByRole('button', { name: 'Audit log' })).toHaveCount(0);
    } finally {
      await other.close();
    }

    // The audit log shows what happened.
    await page.getByRole('button', { name: 'Audit log' }).click();
    await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();

    // Log out everywhere: back to sign-in, and a reload finds no session.
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await expect(page.getByRole('status')).toHaveText('You are logged out on every device.');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

    // Forgot the password: the reset link (printed by the server) sets a new one.
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail for the reset link').fill(ADMIN);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status')).toHaveText('If an account has this address, an e-mail with a link to choose a new password is on its way.');
    await expect.poll(() => parley.output()).toContain(`password reset for ${ADMIN}`);
    const resetLink = /(http\S+\/console\/#reset-password=\S+)/.exec(parley.output().split(`password reset for ${ADMIN}`)[1] ?? '')?.[1];
    expect(resetLink).toBeDefined();
    // Opened from the mail: a fresh page load (a hash change alone on the open console loads nothing).
    await page.goto('about:blank');
    await choosePassword(page, resetLink!, THIRD_PASSWORD);
    await signIn(page, ADMIN, THIRD_PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    expect(unsent, 'state changes without X-CSRF-Token').toEqual([]);
  });

  for (const size of [
    { name: 'desktop', viewport: { width: 1280, height: 800 } },
    { name: 'phone', viewport: { width: 390, height: 844 } },
  ]) {
    test.describe(`signed-in screens on ${size.name}`, () => {
      // axe injects its own script: run it where CSP does not apply (the flow above runs under it).
      test.use({ viewport: size.viewport, bypassCSP: true });

      test(`console: axe finds no violations on home, account, users and audit log (${size.name})`, async ({ page }) => {
        const email = `axe-${size.name}@example.com`;
        await choosePassword(page, createAdmin(parley, email), FIRST_PASSWORD);
        await signIn(page, email, FIRST_PASSWORD);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
        for (const screen of ['Home', 'Account', 'Users', 'Audit log']) {
          await page.getByRole('button', { name: screen, exact: true }).click();
          await expect(page.getByRole('button', { name: screen, exact: true })).toHaveAttribute('aria-current', 'page');
          if (screen === 'Users') await expect(page.getByRole('listitem').filter({ hasText: email })).toBeVisible();
          if (screen === 'Audit log') await expect(page.getByRole('table').getByRole('row').nth(1)).toBeVisible();
          expect(await axe(page.mainFrame()), screen).toEqual([]);
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${screen}: no sideways scrolling`).toBeLessThanOrEqual(size.viewport.width);
        }
      });
    });
  }
});
