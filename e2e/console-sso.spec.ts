// Console single sign-on in Chromium, through a real OpenID Connect provider (oidc-provider on
// loopback, another site than Parley's): the button the sign-in screen shows, the IdP's own login
// page, and the way back signed in, as the console's role whatever the IdP claims. A login the
// console refuses comes back to the sign-in screen saying why. A user with two-factor
// authentication is asked for the code before any session opens. The violation guard runs throughout.
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { freePort } from '../test/helpers/ports.ts';
import { startTestIdp, type TestIdp } from '../test/helpers/oidc-idp.ts';
import { phoneCode } from '../test/helpers/console-totp.ts';
import { axe } from './support/axe.ts';
import { createAdmin } from './support/console-cli.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';

const LABEL = 'Sign in with Test IdP';

test.describe('console single sign-on', () => {
  let idp: TestIdp;
  let parley: ParleyProcess;
  test.beforeAll(async () => {
    const port = await freePort();
    idp = await startTestIdp(`http://localhost:${port}/api/v1/console/sso/callback`);
    parley = await startParley({ ...E2E_ENV, PORT: String(port), OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, OIDC_LABEL: LABEL });
    // The first administrator exists but has never set a password: SSO links her by verified e-mail.
    createAdmin(parley, 'ada@example.com');
    idp.accounts.set('ada', { email: 'ada@example.com', email_verified: true, role: 'operator' });
    idp.accounts.set('eve', { email: 'eve@example.com', email_verified: true, role: 'administrator' });
  });
  test.afterAll(async () => {
    await parley?.stop();
    await idp?.close();
  });

  test('the SSO button leads through the IdP\'s login page back into the console, signed in with the console\'s role', async ({ page }) => {
    await page.goto(`${parley.url}/console/`);
    await page.getByRole('link', { name: LABEL }).click();
    await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
    await page.getByLabel('Account').fill('ada');
    await page.getByRole('button', { name: 'Continue at the IdP' }).click();

    await expect(page).toHaveURL(`${parley.url}/console/`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    await expect(page.getByText('ada@example.com')).toBeVisible();
    // The console's role (administrator), not the IdP's claim (operator).
    await expect(page.getByRole('definition').filter({ hasText: /^Administrator$/ })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Users' })).toBeVisible();
    // The session cookie is the console's own, and the state cookie is gone.
    const cookies = await page.context().cookies(parley.url);
    expect(cookies.find((c) => c.name === '__Host-parley_console')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(cookies.find((c) => c.name === '__Host-parley_sso')).toBeUndefined();
  });

  test('an IdP account with no console user comes back to sign-in with the reason', async ({ page }) => {
    await page.goto(`${parley.url}/console/`);
    await page.getByRole('link', { name: LABEL }).click();
    await page.getByLabel('Account').fill('eve');
    await page.getByRole('button', { name: 'Continue at the IdP' }).click();

    const reason = 'This account has no access to the console. Ask an administrator to invite you.';
    await expect(page.getByRole('alert').filter({ hasText: reason })).toHaveText(reason);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    // The sign-in screen with the SSO button and the reason passes axe.
    await expect(page.getByRole('link', { name: LABEL })).toBeVisible();
    expect(await axe(page.mainFrame())).toEqual([]);
    // The fragment is not left in the address bar.
    expect(new URL(page.url()).hash).toBe('');
  });

  // Last: it gives Ada a second factor.
  test('with two-factor authentication on, the way back from the IdP asks for the code before signing in', async ({ page }) => {
    await page.goto(`${parley.url}/console/`);
    await page.getByRole('link', { name: LABEL }).click();
    await page.getByLabel('Account').fill('ada');
    await page.getByRole('button', { name: 'Continue at the IdP' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);

    // Ada turns TOTP on (the key as the app shows it, the code as a phone computes it), then logs out.
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.locator('code.secret').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await phoneCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await expect(page.getByText('Two-factor authentication is on.', { exact: false })).toBeVisible();
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('You are logged out.');

    // Through the IdP again (it remembers her and sends her straight back): no session, the code is asked.
    await page.getByRole('link', { name: LABEL }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Finish signing in' })).toBeVisible();
    expect(new URL(page.url()).hash).toBe('');
    const pending = await page.context().cookies(parley.url);
    expect(pending.find((c) => c.name === '__Host-parley_console')).toBeUndefined();
    expect(pending.find((c) => c.name === '__Host-parley_sso_pending')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await axe(page.mainFrame())).toEqual([]);
    await page.getByLabel('Authentication code').fill(await phoneCode(secret, 1)); // the enrolment code's step is spent
    await page.getByRole('button', { name: 'Finish signing in' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    await expect(page.getByText('ada@example.com')).toBeVisible();
    const signedIn = await page.context().cookies(parley.url);
    expect(signedIn.find((c) => c.name === '__Host-parley_console')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(signedIn.find((c) => c.name === '__Host-parley_sso_pending')).toBeUndefined();

    // A code the console does not accept ends that sign-in: back to the sign-in screen, saying so.
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByRole('link', { name: LABEL }).click();
    await page.getByLabel('Authentication code').fill('12345');
    await page.getByRole('button', { name: 'Finish signing in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'The code was not accepted' })).toHaveText('The code was not accepted; sign in again');
    await expect(page.getByRole('link', { name: LABEL })).toBeVisible();
  });
});
