// A Parley server with a console staffed as a test needs it: the first administrator made by the
// real `create-admin` command, the others invited over HTTP and their links taken from the e-mail
// a real SMTP server received.
import { runCli } from '../../server/cli.ts';
import type { ConsoleRole, ConsoleUserView } from '../../common/console-wire.ts';
import type { StartOptions } from '../../server/start.ts';
import { startInProcess } from './in-process-parley.ts';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.ts';
import { madeTempDir } from './temp-dirs.ts';
import { ConsoleClient, linkToken } from './console-client.ts';

export const PASSWORD = 'correct horse battery staple 42';

export interface ConsoleWorld {
  url: string;
  port: number;
  env: Record<string, string>;
  smtp: SmtpCapture;
  admin: ConsoleClient;
  adminId: string;
  client(): ConsoleClient;
  /** The id of the user at `email`, as the administrator's GET /users lists it. */
  userId(email: string): Promise<string>;
  /** Invites `email` with `role` (display name: the address's mailbox unless given), sets its password from the mailed link, returns a signed-in client. */
  staff(email: string, role: ConsoleRole, bots?: string[], displayName?: string): Promise<{ client: ConsoleClient; id: string }>;
  cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }>;
  close(): Promise<void>;
}

export async function startConsoleWorld(storeEnv: Record<string, string>, extra: Record<string, string> = {}, options: StartOptions = {}): Promise<ConsoleWorld> {
  const smtp = await startSmtpCapture();
  const env = { ...storeEnv, DATA_DIR: madeTempDir('parley-console-'), SMTP_URL: smtp.url, RATE_CONSOLE_LOGINS_PER_IP: '100000', ...extra };
  const parley = await startInProcess(env, options);
  const staffing = await staffConsole(parley, env, smtp);
  return {
    ...staffing,
    async close() {
      await parley.close();
      await smtp.close();
    },
  };
}

/**
 * The console of a running server (one process, or several behind a proxy at `url`), staffed: the
 * first administrator made by the `create-admin` command with the servers' own configuration
 * `env`, signed in over HTTP; `smtp` is where the servers send their invitations.
 */
export async function staffConsole(server: { url: string; port: number }, env: Record<string, string>, smtp: SmtpCapture): Promise<Omit<ConsoleWorld, 'close'>> {
  const cliEnv = { ...env, PUBLIC_URL: server.url, LOG_LEVEL: 'silent' };
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, cliEnv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };
  const client = () => new ConsoleClient(server.url);
  const made = await cli(['create-admin', 'root@example.test']);
  if (made.code !== 0) throw new Error(`create-admin failed: ${made.err.join('\n')}`);
  const admin = client();
  const set = await admin.request('POST', '/password/set', { token: linkToken(made.out[1]!), password: PASSWORD });
  if (set.status !== 204) throw new Error(`set-password answered ${set.status}`);
  const login = await admin.login('root@example.test', PASSWORD);
  if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
  /** The invitation's answer says nothing about the user (docs/console.md): the list does. */
  const userId = async (email: string) => {
    const { body } = await admin.request<{ users: ConsoleUserView[] }>('GET', '/users');
    const user = body.users.find((u) => u.email === email.toLowerCase());
    if (!user) throw new Error(`no user ${email} in GET /users`);
    return user.id;
  };
  return {
    url: server.url,
    port: server.port,
    env: cliEnv,
    smtp,
    admin,
    adminId: login.body.user.id,
    client,
    userId,
    cli,
    async staff(email, role, bots = [], displayName = email.split('@')[0]) {
      const invited = await admin.request('POST', '/users', { email, displayName, role, bots });
      if (invited.status !== 202) throw new Error(`invite answered ${invited.status} ${JSON.stringify(invited.body)}`);
      const c = client();
      const set = await c.request('POST', '/password/set', { token: linkToken(await smtp.linkFor(email)), password: PASSWORD });
      if (set.status !== 204) throw new Error(`set-password answered ${set.status}`);
      const signed = await c.login(email, PASSWORD);
      if (signed.status !== 200) throw new Error(`login answered ${signed.status}`);
      return { client: c, id: await userId(email) };
    },
  };
}
