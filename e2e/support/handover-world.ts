// A Parley server staffed for the live handover specs: the demo bot with its business hours taken
// out (open whenever an operator is, so the spec does not depend on the hour in Oslo), the first
// administrator from the real create-admin command, an operator of the demo bot invited over the
// console API with the link the server printed, and a CSP-strict host page embedding the widget.
import { ConsoleClient, linkToken } from '../../test/helpers/console-client.ts';
import { demoBotsDir } from '../../test/helpers/demo-bot.ts';
import { startParley, type ParleyProcess } from '../../test/helpers/parley-server.ts';
import { pollUntil } from '../../test/helpers/poll.ts';
import { createAdmin, linkIn } from './console-cli.ts';
import { hostPolicy } from './csp.ts';
import { E2E_ENV } from './fixtures.ts';
import { startHost, type HostSite } from './host-server.ts';

export const OPERATOR = { email: 'olga@example.com', displayName: 'Olga Nordmann', firstName: 'Olga', password: 'a quiet harbour at dawn, 77' };
const ADMIN = { email: 'handover-admin@example.com', password: 'correct horse battery staple 1' };

export interface HandoverWorld {
  parley: ParleyProcess;
  site: HostSite;
  /** The administrator, signed in over the API: to check what the server stored. */
  admin: ConsoleClient;
  stop(): Promise<void>;
}

async function expectOk(what: string, answer: Promise<{ status: number; body: unknown }>, status: number): Promise<void> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what} answered ${got}: ${JSON.stringify(body)}`);
}

export async function startHandoverWorld(env: Record<string, string> = {}): Promise<HandoverWorld> {
  const parley = await startParley({ ...E2E_ENV, RATE_CONSOLE_LOGINS_PER_IP: '100000', BOTS_DIR: demoBotsDir((bot) => delete (bot.handover as { businessHours?: unknown }).businessHours), ...env });
  const admin = new ConsoleClient(parley.url);
  await expectOk('admin set-password', admin.request('POST', '/password/set', { token: linkToken(createAdmin(parley, ADMIN.email)), password: ADMIN.password }), 204);
  await expectOk('admin login', admin.login(ADMIN.email, ADMIN.password), 200);
  await expectOk('invite', admin.request('POST', '/users', { email: OPERATOR.email, displayName: OPERATOR.displayName, role: 'operator', bots: ['demo'] }), 201);
  // No SMTP here: the server prints the invitation link.
  const marker = `for ${OPERATOR.email}`;
  const printed = await pollUntil(async () => parley.output(), (out) => out.includes(marker) && /set-password=\S+/.test(out.split(marker)[1] ?? ''), 'the printed invitation');
  const link = linkIn(printed.split(marker)[1] ?? '');
  await expectOk('operator set-password', new ConsoleClient(parley.url).request('POST', '/password/set', { token: linkToken(link), password: OPERATOR.password }), 204);
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  return {
    parley,
    site,
    admin,
    async stop() {
      await site.stop();
      await parley.stop();
    },
  };
}
