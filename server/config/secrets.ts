// Secrets that a deployment should set but `npm start` must not require: generated once into
// DATA_DIR/secrets.json (mode 0600) and reused, so tokens and channels survive restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir } from './data-dir.ts';

interface GeneratedSecrets {
  tokenKeys: string;
  pusherAppId: string;
  pusherKey: string;
  pusherSecret: string;
  encryptionKey: string;
  /** Added after the others: a secrets.json written before storage encryption lacks it until the next start. */
  storageKeys: string;
}

function newStorageKey(): string {
  return `s${Date.now().toString(36)}:${randomBytes(32).toString('base64url')}`;
}

function generate(): GeneratedSecrets {
  return {
    tokenKeys: `k${Date.now().toString(36)}:${randomBytes(32).toString('base64url')}`,
    pusherAppId: String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
    pusherKey: randomBytes(10).toString('hex'),
    pusherSecret: randomBytes(24).toString('hex'),
    encryptionKey: randomBytes(32).toString('base64'),
    storageKeys: newStorageKey(),
  };
}

/** Reads DATA_DIR/secrets.json, creating it on first run. `created` tells the caller to warn. */
export function loadGeneratedSecrets(dataDir: string): { secrets: GeneratedSecrets; created: boolean } {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as GeneratedSecrets;
    if (secrets.storageKeys) return { secrets, created: false };
    // Written by a Parley from before storage encryption: the new secret joins the others (written
    // beside and renamed over, so a crash leaves the old file or the new one, never half of it).
    const completed = { ...secrets, storageKeys: newStorageKey() };
    writeFileSync(`${file}.new`, JSON.stringify(completed, null, 2), { mode: 0o600 });
    renameSync(`${file}.new`, file);
    return { secrets: completed, created: true };
  }
  ensureDataDir(dataDir);
  const secrets = generate();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return { secrets, created: true };
}
