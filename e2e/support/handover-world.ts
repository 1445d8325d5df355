// A Parley server staffed for the live handover specs: the demo bot with its business hours taken
// out (open whenever an operator is, so the spec does not depend on the hour in Oslo), the first
// administrator from the real create-admin command, an operator of the demo bot (more on request)
// invited over the console API with the link the server printed, and a CSP-strict host page
// embedding the widget.
import { ConsoleClient, linkToken } from '../../test/helpers/console-client.ts';
import { demoBotsDir } from '../../test/helpers/demo-bot.ts';
import { startParley, type ParleyProcess } from '../../test/helpers/parley-server.ts';
import { pollUntil } from '../../test/helpers/poll.ts';
import { createAdmin, linkIn } from './console-cli.ts';
import { hostPolicy } from './csp.ts';
import { E2E_ENV } from './fixtures.ts';
import { startHost, type HostSite } from './host-server.ts';

export interface StaffMember {
  email: string;
  displayName: string;
  firstName: string;
  password: string;
}

const PASSWORD = 'a quiet harbour at dawn, 77';
export const member = (email: string, displayName: string): StaffMember => ({ email, displayName, firstName: displayName.split(' ')[0]!, password: PASSWORD });
export const OPERATOR = member('olga@example.com', 'Olga Nordmann');
export const ADMIN = { email: 'handover-admin@example.com', password: 'correct horse battery staple 1' };

export interface HandoverWorld {
  parley: ParleyProcess;
  site: HostSite;
  /** The administrator, signed in over the API: to check what the server stored. */
  admin: ConsoleClient;
  /** OPERATOR, signed in over the API too. */
  operator: { client: ConsoleClient; id: string };
  /** Invites someone to the demo bot with `role`, sets their password, and signs them in over the API. */
  staff(person: StaffMember, role: 'operator' | 'supervisor'): Promise<{ client: ConsoleClient; id: string }>;
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
  const staff: HandoverWorld['staff'] = async (person, role) => {
    const invited = await admin.request('POST', '/users', { email: person.email, displayName: person.displayName, role, bots: ['demo'] });
    if (invited.status !== 202) throw new Error(`invite answered ${invited.status}`);
    // No SMTP here: the server prints the invitation link.
    const marker = `for ${person.email}`;
    const printed = await pollUntil(async () => parley.output(), (out) => /set-password=\S+/.test(out.split(marker)[1] ?? ''), 'the printed invitation');
    const client = new ConsoleClient(parley.url);
    await expectOk('set-password', client.request('POST', '/password/set', { token: linkToken(linkIn(printed.split(marker)[1] ?? '')), password: person.password }), 204);
    await expectOk('login', client.login(person.email, person.password), 200);
    // The invitation's answer says nothing about the user (docs/console.md): the list does.
    const listed = await admin.request<{ users: Array<{ id: string; email: string }> }>('GET', '/users');
    const id = listed.body.users.find((u) => u.email === person.email.toLowerCase())?.id;
    if (!id) throw new Error(`no user ${person.email} in GET /users`);
    return { client, id };
  };
  const operator = await staff(OPERATOR, 'operator');
  const site = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  return {
    parley,
    site,
    admin,
    operator,
    staff,
    async stop() {
      await site.stop();
      await parley.stop();
    },
  };
}
