// Secrets that a deployment should set but `npm start` must not require: generated once into
// DATA_DIR/secrets.json (mode 0600) and reused, so tokens and channels survive restarts.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir } from './data-dir.ts';

interface GeneratedSecrets {
  tokenKeys: string;
  pusherAppId: string;
  pusherKey: string;
  pusherSecret: string;
  encryptionKey: string;
}

function generate(): GeneratedSecrets {
  return {
    tokenKeys: `k${Date.now().toString(36)}:${randomBytes(32).toString('base64url')}`,
    pusherAppId: String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
    pusherKey: randomBytes(10).toString('hex'),
    pusherSecret: randomBytes(24).toString('hex'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

/** Reads DATA_DIR/secrets.json, creating it on first run. `created` tells the caller to warn. */
export function loadGeneratedSecrets(dataDir: string): { secrets: GeneratedSecrets; created: boolean } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return { secrets: JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets, created: false };
  ensureDataDir(dataDir);
  const secrets = generate();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return { secrets, created: true };
}
