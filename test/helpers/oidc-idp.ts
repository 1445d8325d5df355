// A real OpenID Connect provider (oidc-provider) on a free loopback port, for the console's SSO
// tests. One confidential client is registered for Parley's callback. Its login page is ours and
// minimal: one "Account" field naming an account of `accounts`, no password (the IdP's own login is
// not what is under test); consent is granted by itself (a first-party client).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface IdpAccount {
  email?: string;
  email_verified?: boolean;
  /** A claim the console must ignore. */
  role?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by `sub`; a test may add or change them at any time. */
  accounts: Map<string, IdpAccount>;
  close(): Promise<void>;
}

export const IDP_CLIENT_ID = 'parley-console';
export const IDP_CLIENT_SECRET = 'a test client secret, long enough';

const loginPage = (uid: string): string => `<!doctype html><html lang="en"><head><title>Test IdP</title></head><body><main>
<h1>Test IdP sign-in</h1><form method="post" action="/interaction/${uid}/login">
<label>Account <input name="account" autocomplete="off"></label><button type="submit">Continue at the IdP</button></form></main></body></html>`;

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdp(redirectUri: string): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) => {
    if (req.method === 'GET' && action === undefined) {
      await provider.interactionDetails(req, res);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(loginPage(uid));
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const accountId = (await formBody(req)).get('account') ?? '';
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(404).end();
  };
  const server = createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/([a-z]+))?/.exec(req.url ?? '');
    if (!match) return provider.callback()(req, res);
    interaction(req, res, match[1]!, match[2]).catch((err: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const configuration: Configuration = {
    clients: [{ client_id: IDP_CLIENT_ID, client_secret: IDP_CLIENT_SECRET, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
    claims: { openid: ['sub', 'role'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['test idp cookie key'] },
    // Ten minutes for everything: longer than any test, and said, so the provider does not warn of defaults.
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: () => ({ sub, ...account }) };
    },
    // A first-party client: the IdP grants what it asks without a consent page.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  };
  // Requests reach the handlers above only once the server listens, after this.
  const provider = new Provider(issuer, configuration);
  return {
    issuer,
    clientId: IDP_CLIENT_ID,
    clientSecret: IDP_CLIENT_SECRET,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
