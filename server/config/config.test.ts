import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './index.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

const tempDir = () => madeTempDir('parley-config-');
const key32 = () => randomBytes(32).toString('base64url');

describe('configuration', () => {
  it('runs with nothing set: defaults, and secrets generated once into DATA_DIR (0600) with a warning', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first).toMatchObject({ port: 3000, host: '127.0.0.1', realtime: { mode: 'embedded' }, logLevel: 'info', trustProxy: false, trustProxyHops: 1 });
    expect(first.tokenTtlMs).toBe(24 * 3_600_000);
    expect(first.warnings.join()).toMatch(/generated secrets/);
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.warnings).toEqual([]);
    expect(second.tokenKeys).toEqual(first.tokenKeys);
    expect(second.realtime.secret).toBe(first.realtime.secret);
    expect(second.realtime.encryptionKey).toEqual(first.realtime.encryptionKey);
  });

  it('STORAGE_KEYS: generated into secrets.json with the others and reused; the key store is DATA_DIR/parley-keys.db unless KEY_STORE_FILE says', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.storageKeys).toHaveLength(1);
    expect(first.storageKeys[0]!.key).toHaveLength(32);
    expect(loadConfig({ DATA_DIR: dataDir }).storageKeys).toEqual(first.storageKeys);
    expect(first.keyStore).toEqual({ file: join(dataDir, 'parley-keys.db') });
    expect(loadConfig({ DATA_DIR: dataDir, KEY_STORE_FILE: '/srv/keys/parley-keys.db' }).keyStore).toEqual({ file: '/srv/keys/parley-keys.db' });
    const set = loadConfig({ DATA_DIR: tempDir(), STORAGE_KEYS: `new:${key32()},old:${key32()}` });
    expect(set.storageKeys.map((k) => k.kid)).toEqual(['new', 'old']);
  });

  it('STORAGE_KEYS: a secrets.json from before storage encryption gains a storage key, keeping the rest, with the warning', () => {
    const dataDir = tempDir();
    const before = loadConfig({ DATA_DIR: dataDir });
    const file = join(dataDir, 'secrets.json');
    const { storageKeys: _dropped, ...older } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    writeFileSync(file, JSON.stringify(older), { mode: 0o600 });
    const upgraded = loadConfig({ DATA_DIR: dataDir });
    expect(upgraded.warnings.join()).toMatch(/generated secrets/);
    expect(upgraded.tokenKeys).toEqual(before.tokenKeys);
    expect(upgraded.storageKeys).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dataDir }).storageKeys).toEqual(upgraded.storageKeys);
  });

  it('the MongoDB key store is a database of its own beside the data unless KEY_STORE_MONGODB_URI says; each key store variable only with its store', () => {
    const secrets = { TOKEN_KEYS: `k:${key32()}`, REALTIME_ENCRYPTION_KEY: randomBytes(32).toString('base64'), STORAGE_KEYS: `s:${key32()}`, PUSHER_APP_ID: '1', PUSHER_KEY: 'k', PUSHER_SECRET: 's'.repeat(16) };
    const mongo = (uri: string, extra: Record<string, string> = {}) => loadConfig({ DATA_DIR: tempDir(), MONGODB_URI: uri, ...secrets, ...extra }).keyStore;
    expect(mongo('mongodb://db.internal:27017/parley?replicaSet=rs0')).toEqual({ mongodbUri: 'mongodb://db.internal:27017/parley_keys?replicaSet=rs0' });
    expect(mongo('mongodb://a:1,b:2/chat')).toEqual({ mongodbUri: 'mongodb://a:1,b:2/chat_keys' });
    expect(mongo('mongodb://a:1')).toEqual({ mongodbUri: 'mongodb://a:1/test_keys' });
    expect(mongo('mongodb://a:1/parley', { KEY_STORE_MONGODB_URI: 'mongodb://keys.internal/vault' })).toEqual({ mongodbUri: 'mongodb://keys.internal/vault' });
    expect(() => mongo('mongodb://a:1/parley', { KEY_STORE_FILE: '/tmp/k.db' })).toThrow(/KEY_STORE_FILE: .*KEY_STORE_MONGODB_URI/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), KEY_STORE_MONGODB_URI: 'mongodb://keys/vault' })).toThrow(/KEY_STORE_MONGODB_URI: only with MONGODB_URI/);
    expect(() => loadConfig({ DATA_DIR: tempDir(), STORAGE_KEYS: 'k1:short' })).toThrow(/STORAGE_KEYS: key "k1" is not 32 bytes/);
  });

  it('reads durations as the ms package does, in milliseconds', () => {
    const config = loadConfig({ DATA_DIR: tempDir(), TOKEN_TTL: '1.5h', TOKEN_RENEW_WINDOW: '2 weeks' });
    expect(config.tokenTtlMs).toBe(5_400_000);
    expect(config.tokenRenewWindowMs).toBe(1_209_600_000);
  });

  it('DATA_DIR: refuses one open to group or others with a one-line ConfigError, and tightens files left readable', () => {
    const open = tempDir();
    chmodSync(open, 0o750);
    expect(() => loadConfig({ DATA_DIR: open })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: open })).toThrow(/^DATA_DIR .* is open to group or others \(mode 0750\)[^\n]*chmod 700 [^\n]*$/);
    expect(existsSync(join(open, 'secrets.json'))).toBe(false);

    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    expect(() => loadConfig({ DATA_DIR: file })).toThrow(/^DATA_DIR .* is not a directory$/);

    // A private directory holding a database an older Parley wrote 0644: made 0600 at start.
    const upgraded = tempDir();
    writeFileSync(join(upgraded, 'parley.db'), '', { mode: 0o644 });
    chmodSync(join(upgraded, 'parley.db'), 0o644);
    loadConfig({ DATA_DIR: upgraded });
    expect(statSync(join(upgraded, 'parley.db')).mode & 0o777).toBe(0o600);

    // A DATA_DIR that does not exist yet is created 0700 by the first writer.
    const fresh = join(tempDir(), 'data', 'nested');
    loadConfig({ DATA_DIR: fresh });
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it('reads several token keys; the first seals', () => {
    const config = loadConfig({ DATA_DIR: tempDir(), TOKEN_KEYS: `new:${key32()},old:${key32()}` });
    expect(config.tokenKeys.map((k) => k.kid)).toEqual(['new', 'old']);
  });

  it('reads single sign-on: issuer and client, secret optional, a default button text; nothing without an issuer', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).oidc).toBeUndefined();
    expect(loadConfig({ DATA_DIR: tempDir(), OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'parley' }).oidc).toEqual({
      issuer: 'https://idp.example',
      clientId: 'parley',
      clientSecret: undefined,
      label: 'Sign in with SSO',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ TOKEN_TTL: 'forever' }, /TOKEN_TTL: expected a duration/],
    [{ OIDC_ISSUER: 'https://idp.example' }, /OIDC_CLIENT_ID: required when OIDC_ISSUER is set/],
    [{ OIDC_CLIENT_ID: 'parley' }, /OIDC_ISSUER: required when OIDC_CLIENT_ID is set/],
    [{ OIDC_ISSUER: 'ldap://idp.example', OIDC_CLIENT_ID: 'parley' }, /OIDC_ISSUER/],
    [{ TOKEN_TTL: '3600' }, /TOKEN_TTL: expected a duration/],
    [{ TOKEN_RENEW_WINDOW: '-1d' }, /TOKEN_RENEW_WINDOW: expected a duration/],
    [{ TOKEN_KEYS: 'k1:short' }, /TOKEN_KEYS: key "k1" is not 32 bytes/],
    [{ TOKEN_KEYS: `a:${key32()},a:${key32()}` }, /appears twice/],
    [{ REALTIME: 'carrier-pigeon' }, /REALTIME/],
    [{ REALTIME_ENCRYPTION_KEY: 'dG9vIHNob3J0' }, /REALTIME_ENCRYPTION_KEY/],
    [{ REALTIME: 'pusher' }, /PUSHER_APP_ID: required when REALTIME=pusher/],
    [{ MONGODB_URI: 'postgres://x' }, /MONGODB_URI/],
    [{ PUBLIC_URL: 'javascript:alert(1)' }, /PUBLIC_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ TRUST_PROXY_HOPS: '0' }, /TRUST_PROXY_HOPS/],
    [{ REALTIME_ALLOWED_ORIGINS: 'https://shop.example/checkout' }, /REALTIME_ALLOWED_ORIGINS.*expected an origin/],
    [{ REALTIME_ALLOWED_ORIGINS: 'shop.example' }, /REALTIME_ALLOWED_ORIGINS/],
    [{ REALTIME_MAX_CONNECTIONS_PER_IP: '0' }, /REALTIME_MAX_CONNECTIONS_PER_IP/],
    [{ REALTIME_IDLE_GRACE: '0s' }, /REALTIME_IDLE_GRACE: expected a duration/],
    [{ HTTP_HEADERS_TIMEOUT: '0ms' }, /HTTP_HEADERS_TIMEOUT: expected a duration/],
    [{ HTTP_HEADERS_TIMEOUT: '1m', HTTP_REQUEST_TIMEOUT: '30s' }, /HTTP_HEADERS_TIMEOUT: must not be longer than HTTP_REQUEST_TIMEOUT/],
    [{ HTTP_MAX_CONNECTIONS: 'many' }, /HTTP_MAX_CONNECTIONS/],
    [{ SMTP_URL: 'https://user:pass@mail.example' }, /SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL/],
    [{ MAIL_FROM: 'Parley' }, /MAIL_FROM: expected an address/],
    [{ MAIL_FROM: 'a@b.example\nBcc: c@d.example' }, /MAIL_FROM: expected an address/],
  ])('refuses %o with one line naming the variable', (env, pattern) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: tempDir(), ...env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toMatch(/at .*\.ts:\d+/);
  });

  it.each([
    [{ MONGODB_URI: 'mongodb://127.0.0.1:1/x' }, /MONGODB_URI .*set TOKEN_KEYS, REALTIME_ENCRYPTION_KEY, STORAGE_KEYS, PUSHER_APP_ID/],
    [{ REDIS_URL: 'redis://127.0.0.1:1', TOKEN_KEYS: `k:${key32()}` }, /REDIS_URL .*set REALTIME_ENCRYPTION_KEY, STORAGE_KEYS, PUSHER_APP_ID/],
    [{ REALTIME: 'pusher', PUSHER_APP_ID: '1', PUSHER_KEY: 'k', PUSHER_SECRET: 's'.repeat(16), PUSHER_HOST: 'h', TOKEN_KEYS: `k:${key32()}` }, /REALTIME=pusher .*set REALTIME_ENCRYPTION_KEY, STORAGE_KEYS$/],
  ])('refuses to generate secrets when %o says instances share data, naming what to set', (env, pattern) => {
    const dataDir = tempDir();
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(pattern);
    expect(() => statSync(join(dataDir, 'secrets.json'))).toThrow(/ENOENT/);
  });

  it('starts a shared deployment whose secrets are all set, and warns when its realtime is embedded', () => {
    const secrets = {
      TOKEN_KEYS: `k:${key32()}`,
      REALTIME_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      STORAGE_KEYS: `s:${key32()}`,
      PUSHER_APP_ID: '1',
      PUSHER_KEY: 'k',
      PUSHER_SECRET: 's'.repeat(16),
    };
    const config = loadConfig({ DATA_DIR: tempDir(), MONGODB_URI: 'mongodb://127.0.0.1:1/x', ...secrets });
    expect(config.warnings.join()).toMatch(/REALTIME=embedded with a shared store/);
    expect(loadConfig({ DATA_DIR: tempDir(), ...secrets }).warnings).toEqual([]);
  });

  it('reads the connection limits: HTTP timeouts with defaults, realtime caps left to the embedded server unless set', () => {
    const defaults = loadConfig({ DATA_DIR: tempDir() });
    expect(defaults.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, maxConnections: 11_000 });
    expect(defaults.realtime).toMatchObject({ maxConnections: undefined, maxConnectionsPerIp: undefined, idleGraceMs: undefined, allowedOrigins: [] });
    const set = loadConfig({
      DATA_DIR: tempDir(),
      REALTIME_MAX_CONNECTIONS: '500',
      REALTIME_MAX_CONNECTIONS_PER_IP: '20',
      REALTIME_IDLE_GRACE: '1m',
      REALTIME_ALLOWED_ORIGINS: ' https://CDN.example/ ,http://localhost:5173',
      HTTP_HEADERS_TIMEOUT: '5s',
    });
    expect(set.realtime).toMatchObject({ maxConnections: 500, maxConnectionsPerIp: 20, idleGraceMs: 60_000, allowedOrigins: ['https://cdn.example', 'http://localhost:5173'] });
    expect(set.http.headersTimeoutMs).toBe(5000);
  });

  it('reads the console mail server and sender; without them links are printed, not mailed', () => {
    expect(loadConfig({ DATA_DIR: tempDir() }).mail).toEqual({ smtpUrl: undefined, from: undefined });
    const set = loadConfig({ DATA_DIR: tempDir(), SMTP_URL: 'smtps://parley:pw@mail.example:465', MAIL_FROM: 'Parley <parley@chat.example>' });
    expect(set.mail).toEqual({ smtpUrl: 'smtps://parley:pw@mail.example:465', from: 'Parley <parley@chat.example>' });
  });

  it('never repeats a refused SMTP_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), SMTP_URL: 'ftp://parley:hunter2@mail.example' })).toThrow(/^(?![\s\S]*hunter2)/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATA_DIR: tempDir(), PORT: '', MONGODB_URI: '' }).port).toBe(3000);
  });
});
