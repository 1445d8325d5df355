// The secrets an operator configures once per deployment and gives every instance: what lets a
// token sealed by one instance open on another, and a channel secret derived by one match the
// other's. Tests that run several instances pass these explicitly, as a real deployment would,
// instead of letting each instance generate (or share) a DATA_DIR/secrets.json.
import { randomBytes } from 'node:crypto';

export function deploymentSecrets(): Record<string, string> {
  return {
    TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    REALTIME_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUSHER_APP_ID: String(100_000 + randomBytes(2).readUInt16BE(0)),
    PUSHER_KEY: randomBytes(10).toString('hex'),
    PUSHER_SECRET: randomBytes(24).toString('hex'),
  };
}
