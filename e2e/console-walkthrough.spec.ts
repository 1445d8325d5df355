// Issue 13's walk-through of the console in Chromium, with real parts only: the first
// administrator's link from `npm run parley -- create-admin` run against the server's own data,
// an operator invited by e-mail that a real SMTP server (started here) receives, the operator
// setting a password, turning on TOTP (codes made by otplib from the key the app shows, as a phone
// would) and signing in with a code, being refused an administrators' page (by the app, and by
// the API with 403), and "log out
// everywhere" from a second browser sending the first one back to sign-in on its next request.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generate } from 'otplib';
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { startSmtpCapture, type SmtpCapture } from '../test/helpers/smtp-capture.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { choosePassword, signIn } from './support/console.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = 'walk-admin@example.com';
const OPERATOR = 'walk-operator@example.com';
const ADMIN_PASSWORD = 'the admin walks the long way 3';
const OPERATOR_PASSWORD = 'an operator on the night shift 8';

/** The code a phone shows `steps` 30-second steps from now. */
const phoneCode = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });

test.describe('console walk-through', () => {
  let smtp: SmtpCapture;
  let parley: ParleyProcess;
  test.beforeAll(async () => {
    smtp = await startSmtpCapture();
    parley = await startParley({ ...E2E_ENV, SMTP_URL: smtp.url });
  });
  test.afterAll(async () => {
    await parley?.stop();
    await smtp?.close();
  });

  test('console walk-through: CLI admin, e-mailed invitation, TOTP enrolment and sign-in, refusal, log out everywhere', async ({ page, browser }) => {
    // The first administrator, by the real npm script against the server's DATA_DIR.
    const cli = spawnSync('npm', ['run', '--silent', 'parley', '--', 'create-admin', ADMIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PUBLIC_URL: parley.url, DATA_DIR: parley.dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    const adminLink = /(http\S+\/console\/#set-password=\S+)/.exec(cli.stdout)?.[1];
    expect(adminLink, cli.stdout).toBeDefined();
    await choosePassword(page, adminLink!, ADMIN_PASSWORD);
    await signIn(page, ADMIN, ADMIN_PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);

    // The invitation goes out by e-mail; the SMTP server here receives it.
    await page.getByRole('button', { name: 'Users' }).click();
    const invite = page.getByRole('form', { name: 'Invite a user' });
    await invite.getByLabel('E-mail').fill(OPERATOR);
    await invite.getByLabel('Name').fill('Walt Operator');
    await invite.getByLabel('Role').selectOption('operator');
    await invite.getByLabel('Bots').fill('demo');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText(`Invitation sent to ${OPERATOR}, unless that address has an account already`)).toBeVisible();
    const operatorLink = await smtp.linkFor(OPERATOR);

    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      const op = await first.newPage();
      await choosePassword(op, operatorLink, OPERATOR_PASSWORD);
      await signIn(op, OPERATOR, OPERATOR_PASSWORD);
      await expect(op.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);

      // TOTP: the key as the app shows it, the code as a phone computes it.
      await op.getByRole('button', { name: 'Account' }).click();
      await op.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secret = (await op.locator('code.secret').textContent())!.trim();
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await op.getByLabel('Code from the app').fill(await phoneCode(secret));
      await op.getByRole('button', { name: 'Turn on' }).click();
      await expect(op.getByText('Two-factor authentication is on.', { exact: false })).toBeVisible();
      const recoveryCodes = await op.locator('ul.codes code').allTextContents();
      expect(recoveryCodes).toHaveLength(10);

      // Signing in again asks for a code; the next step's code (the enrolment one is spent) lets the operator in.
      await op.getByRole('button', { name: 'Home' }).click();
      await op.getByRole('button', { name: 'Log out', exact: true }).click();
      await expect(op.getByRole('status')).toHaveText('You are logged out.');
      await signIn(op, OPERATOR, OPERATOR_PASSWORD, await phoneCode(secret, 1));
      await expect(op.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);

      // No administrators' screens in the menu; opened by address, the app says no; the API refuses them to this session.
      await expect(op.getByRole('button', { name: 'Users' })).toHaveCount(0);
      await expect(op.getByRole('button', { name: 'Audit log' })).toHaveCount(0);
      await op.goto(`${parley.url}/console/users`);
      await expect(op.getByRole('heading', { level: 1, name: 'Not available to your role' })).toBeVisible();
      await expect(op.getByRole('alert')).toHaveText('Only administrators may open this page.');
      const refused = await op.request.get(`${parley.url}/api/v1/console/users`);
      expect(refused.status()).toBe(403);
      expect((await refused.json()) as unknown).toEqual({ error: { code: 'forbidden', message: 'Your role may not do this' } });

      // A second browser (a recovery code: the next TOTP step is not there yet) logs out everywhere.
      const other = await second.newPage();
      await other.goto(`${parley.url}/console/`);
      await signIn(other, OPERATOR, OPERATOR_PASSWORD, recoveryCodes[0]);
      await expect(other.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
      await other.getByRole('button', { name: 'Log out everywhere' }).click();
      await expect(other.getByRole('status')).toHaveText('You are logged out on every device.');

      // The first browser's next request finds its session ended and goes back to sign-in.
      await op.getByRole('button', { name: 'Account' }).click();
      await op.getByLabel('Current password').fill(OPERATOR_PASSWORD);
      await op.getByLabel('New password').fill('whatever comes next 12345');
      await op.getByRole('button', { name: 'Change password' }).click();
      await expect(op.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
      await expect(op.getByRole('status')).toHaveText('Your session has ended. Sign in again.');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
