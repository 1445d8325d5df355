// Issue 18's webhooks as an administrator sets one up, in Chromium: the Webhooks screen creates a
// webhook for a lead form, shows its secret once, and a visitor's completed form reaches a real
// receiver on loopback (allowed by WEBHOOK_ALLOWED_TARGETS) signed with that secret; the attempt
// shows in the screen; a rotation shows the new secret and the overlap. axe checks the screen.
import { Webhook as Verifier } from 'standardwebhooks';
import { startParley, type ParleyProcess } from '../test/helpers/parley-server.ts';
import { call, openSession, send } from '../test/helpers/visitor-api.ts';
import { signatureHeadersOf, startReceiver, typeOf, type Receiver } from '../test/ops/webhook-receiver.ts';
import { E2E_ENV, expect, test } from './support/fixtures.ts';
import { choosePassword, signIn } from './support/console.ts';
import { createAdmin } from './support/console-cli.ts';
import { axe } from './support/axe.ts';

const ADMIN = 'hooks-admin@example.com';
const PASSWORD = 'correct horse battery staple 18';

test.describe('webhooks', () => {
  // axe injects its own script: run it where CSP does not apply (console-flow.spec.ts runs the console under it).
  test.use({ bypassCSP: true });
  let parley: ParleyProcess;
  let receiver: Receiver;
  test.beforeAll(async () => {
    receiver = await startReceiver();
    parley = await startParley({ ...E2E_ENV, WEBHOOK_ALLOWED_TARGETS: `127.0.0.1:${receiver.port}`, WEBHOOK_RETRY_BASE: '1s' });
  });
  test.afterAll(async () => {
    await parley?.stop();
    await receiver?.close();
  });

  test('an administrator creates a webhook, keeps its secret, and a lead arrives signed with it', async ({ page }) => {
    await choosePassword(page, createAdmin(parley, ADMIN), PASSWORD);
    await signIn(page, ADMIN, PASSWORD);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    await expect(page.getByText('No webhooks yet.')).toBeVisible();

    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Target URL').fill(`${receiver.url}/leads`);
    await form.getByRole('checkbox', { name: /A visitor asks for a person/ }).uncheck();
    await expect(form.getByRole('checkbox', { name: /A form is filled in/ })).toBeChecked();
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(await axe(page.mainFrame())).toEqual([]);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await expect(page.locator('code.secret')).toHaveCount(0);

    const lead = await openSession(parley.url);
    for (const [i, text] of ['I want to book a demo', 'Ada Lovelace', 'ada@example.com'].entries()) expect((await send(parley.url, lead.token, `f${i}`, text)).status).toBe(202);
    expect((await call(parley.url, '/api/v1/messages', { token: lead.token, json: { clientId: 'f3', action: 'choice:1-5' } })).status).toBe(202);
    const [delivered] = await receiver.until((all) => all.some((r) => typeOf(r) === 'form.submitted'), 'the lead');
    const event = new Verifier(secret).verify(delivered!.body, signatureHeadersOf(delivered!)) as { data: { values: Record<string, string> } };
    // The demo bot marks no field shareable: the receiver learns a form was filled in, not what was in it.
    expect(event.data.values).toEqual({ name: '••••••', email: '••••••', team_size: '••••••' });

    await page.getByRole('button', { name: 'Refresh attempts' }).click();
    await expect(page.getByRole('cell', { name: 'Delivered' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'form.submitted' })).toBeVisible();

    await page.getByRole('button', { name: 'Rotate the secret' }).click();
    const rotated = (await page.locator('code.secret').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect(page.getByText(/two secrets sign until/)).toBeVisible();
  });
});
