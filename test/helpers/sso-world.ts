// A console world that signs in through a real OpenID Connect provider (oidc-provider) on
// loopback: the IdP registers Parley's callback on a port chosen first, then Parley starts on it.
import { startConsoleWorld, type ConsoleWorld } from './console-setup.ts';
import { startTestIdp, type TestIdp } from './oidc-idp.ts';
import { freePort } from './ports.ts';

export interface SsoWorld {
  idp: TestIdp;
  world: ConsoleWorld;
  close(): Promise<void>;
}

export async function startSsoWorld(storeEnv: Record<string, string>, extra: Record<string, string> = {}): Promise<SsoWorld> {
  const port = await freePort();
  const idp = await startTestIdp(`http://localhost:${port}/api/v1/console/sso/callback`);
  let world: ConsoleWorld;
  try {
    world = await startConsoleWorld(storeEnv, { PORT: String(port), OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: idp.clientId, OIDC_CLIENT_SECRET: idp.clientSecret, ...extra });
  } catch (err) {
    await idp.close();
    throw err;
  }
  return {
    idp,
    world,
    async close() {
      await world.close();
      await idp.close();
    },
  };
}
