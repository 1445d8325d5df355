// The secrets a deployment of several instances configures (Parley refuses to generate them once a
// store, Redis or relay is shared), the demo bot's identity secret among them. One set per call; pass the same set to every instance.
import { createHash, randomBytes } from 'node:crypto';

/** Derived from `seed` when given, so a restarted instance gets the same keys back. */
export function deploymentSecrets(seed?: string): Record<string, string> {
  const bytes = (label: string, n: number) =>
    seed === undefined ? randomBytes(n) : createHash('sha256').update(`${label}:${seed}`).digest().subarray(0, n);
  return {
    TOKEN_KEYS: `t1:${bytes('token', 32).toString('base64url')}`,
    REALTIME_ENCRYPTION_KEY: bytes('channels', 32).toString('base64'),
    STORAGE_KEYS: `s1:${bytes('storage', 32).toString('base64url')}`,
    PUSHER_APP_ID: String(100000 + bytes('app', 2).readUInt16BE(0)),
    PUSHER_KEY: bytes('key', 10).toString('hex'),
    PUSHER_SECRET: bytes('secret', 24).toString('hex'),
    // The demo bot's (bots/demo.json identitySecretEnv): the site signs visitor identities with it.
    PARLEY_DEMO_IDENTITY_SECRET: bytes('identity', 32).toString('base64url'),
  };
}
