// Visitor identities: only a well-formed, unexpired HS256 JWS signed with the bot's secret names
// someone (sub, level, exp); everything else is silently null, and the visitor 'public'. Secrets
// come from env or a generated 0600 file.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, base64url } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveIdentitySecret, signVisitorIdentity, verifyVisitorIdentity } from './identity.ts';
import { BotDefinitionError } from './errors.ts';
import { madeTempDir } from '../../test/helpers/temp-dirs.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

afterEach(() => vi.restoreAllMocks());

describe('verifyVisitorIdentity', () => {
  it('reads sub, level and exp of a valid identity', async () => {
    const before = Date.now();
    expect(await verifyVisitorIdentity(SECRET, await signVisitorIdentity(SECRET, { sub: 'u1', level: 'verified' }, '5m'))).toMatchObject({ sub: 'u1', level: 'verified' });
    const premium = await verifyVisitorIdentity(SECRET, await signVisitorIdentity(SECRET, { sub: 'u2', level: 'premium' }, 60_000));
    expect(premium).toMatchObject({ sub: 'u2', level: 'premium' });
    // exp is what the visitor token seals: the level ends there.
    expect(Math.abs(premium!.expiresAt.getTime() - (before + 60_000))).toBeLessThan(2_000);
  });

  it('is null without an identity or without a secret', async () => {
    expect(await verifyVisitorIdentity(SECRET, undefined)).toBeNull();
    expect(await verifyVisitorIdentity(SECRET, '')).toBeNull();
    expect(await verifyVisitorIdentity(undefined, await signVisitorIdentity(SECRET, { sub: 'u1', level: 'verified' }))).toBeNull();
  });

  it('is null for a forged identity (other secret, edited payload, flipped signature)', async () => {
    const other = await signVisitorIdentity('another-secret-that-is-long-enough-9876543210', { sub: 'u1', level: 'premium' });
    expect(await verifyVisitorIdentity(SECRET, other)).toBeNull();
    const valid = await signVisitorIdentity(SECRET, { sub: 'u1', level: 'verified' });
    const [header, , signature] = valid.split('.');
    const edited = base64url.encode(JSON.stringify({ sub: 'u1', level: 'premium', exp: now() + 60 }));
    expect(await verifyVisitorIdentity(SECRET, `${header}.${edited}.${signature}`)).toBeNull();
    // Change a whole character of the signature (not the last one, whose low bits are padding).
    const at = valid.length - 2;
    const flipped = `${valid.slice(0, at)}${valid[at] === 'A' ? 'B' : 'A'}${valid.slice(at + 1)}`;
    expect(flipped).not.toBe(valid);
    expect(await verifyVisitorIdentity(SECRET, flipped)).toBeNull();
  });

  it('is null for an expired identity', async () => {
    const expired = await new SignJWT({ level: 'verified' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime(now() - 5).sign(key);
    expect(await verifyVisitorIdentity(SECRET, expired)).toBeNull();
  });

  it('is null for a wrong algorithm, alg none, or missing claims', async () => {
    const hs512 = await new SignJWT({ level: 'verified' }).setProtectedHeader({ alg: 'HS512' }).setSubject('u1').setExpirationTime('5m').sign(new Uint8Array(64).fill(1));
    expect(await verifyVisitorIdentity(new Uint8Array(64).fill(1), hs512)).toBeNull();
    const none = `${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify({ sub: 'u1', level: 'premium', exp: now() + 60 }))}.`;
    expect(await verifyVisitorIdentity(SECRET, none)).toBeNull();
    const noExp = await new SignJWT({ level: 'verified' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(key);
    expect(await verifyVisitorIdentity(SECRET, noExp)).toBeNull();
    const noSub = await new SignJWT({ level: 'verified' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key);
    expect(await verifyVisitorIdentity(SECRET, noSub)).toBeNull();
    const badLevel = await new SignJWT({ level: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('5m').sign(key);
    expect(await verifyVisitorIdentity(SECRET, badLevel)).toBeNull();
  });

  it('is null for an identity living longer than a day, a subject longer than an id, and for garbage', async () => {
    const longLived = await signVisitorIdentity(SECRET, { sub: 'u1', level: 'verified' }, '30d');
    expect(await verifyVisitorIdentity(SECRET, longLived)).toBeNull();
    expect(await verifyVisitorIdentity(SECRET, await signVisitorIdentity(SECRET, { sub: 'u'.repeat(257), level: 'verified' }))).toBeNull();
    for (const junk of ['a.b.c', 'x'.repeat(10_000), '....', '{"$ne":null}']) {
      expect(await verifyVisitorIdentity(SECRET, junk)).toBeNull();
    }
    expect(await verifyVisitorIdentity(SECRET, { $ne: null } as unknown as string)).toBeNull();
  });

  it('refuses to sign with a bad ttl', async () => {
    await expect(signVisitorIdentity(SECRET, { sub: 'u', level: 'verified' }, 'forever')).rejects.toThrow(TypeError);
  });
});

describe('resolveIdentitySecret', () => {
  const dataDir = () => madeTempDir('parley-identity-');

  it('prefers the named environment variable', () => {
    const dir = dataDir();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(resolveIdentitySecret({ botId: 'envbot', envName: 'MY_SECRET', env: { MY_SECRET: SECRET }, dataDir: dir })).toBe(SECRET);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses a short environment secret', () => {
    expect(() => resolveIdentitySecret({ botId: 'b', envName: 'MY_SECRET', env: { MY_SECRET: 'short' }, dataDir: dataDir() })).toThrow(BotDefinitionError);
  });

  it('generates a 0600 file once, reuses it, and warns once', () => {
    const dir = dataDir();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = resolveIdentitySecret({ botId: 'filebot', envName: 'UNSET_VAR', env: {}, dataDir: dir });
    const file = join(dir, 'identity-filebot.secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveIdentitySecret({ botId: 'filebot', envName: 'UNSET_VAR', env: {}, dataDir: dir })).toBe(first);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain('UNSET_VAR');
  });

  it('refuses to generate one when instances share data, naming the variable to set (each would make its own)', () => {
    const dir = dataDir();
    const shared = { botId: 'sharedbot', env: {}, dataDir: dir, sharedBy: ['MONGODB_URI'] };
    expect(() => resolveIdentitySecret({ ...shared, envName: 'SHARED_BOT_SECRET' })).toThrow(
      /bot "sharedbot": MONGODB_URI means several instances share data, so its identity secret cannot be generated: set SHARED_BOT_SECRET/,
    );
    expect(() => resolveIdentitySecret({ ...shared, envName: undefined })).toThrow(/set identitySecretEnv in the bot definition/);
    expect(() => statSync(join(dir, 'identity-sharedbot.secret'))).toThrow(/ENOENT/);
    expect(resolveIdentitySecret({ ...shared, envName: 'SHARED_BOT_SECRET', env: { SHARED_BOT_SECRET: SECRET } })).toBe(SECRET);
  });

  it('refuses a truncated secret file', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'identity-trunc.secret'), 'abc');
    expect(() => resolveIdentitySecret({ botId: 'trunc', envName: undefined, env: {}, dataDir: dir })).toThrow(/at least 32/);
  });
});
