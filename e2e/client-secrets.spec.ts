// No secret reaches the browser (SECURITY-NOTES "No secrets in client code"): everything the server
// serves to visitors — loader, frame page, its hashed assets and source maps if any — is scanned
// for the running server's own secrets and for server-only names. Only the Pusher app key is public.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.ts';

test('the widget and frame bundles carry no server secret, only the public app key', async ({ request, parley }) => {
  const secrets = JSON.parse(readFileSync(join(parley.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const served: Record<string, string> = {};
  for (const path of ['/widget.js', '/frame.html?bot=demo']) served[path] = await (await request.get(`${parley.url}${path}`)).text();
  const assets = [...served['/frame.html?bot=demo']!.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  expect(assets.length, 'the frame loads hashed assets').toBeGreaterThan(0);
  for (const path of assets) served[path] = await (await request.get(`${parley.url}${path}`)).text();
  const dist = new URL('../dist/', import.meta.url).pathname;
  for (const file of readdirSync(join(dist, 'assets'))) served[`dist/assets/${file}`] = readFileSync(join(dist, 'assets', file), 'utf8');

  const forbidden = [
    ...Object.entries(secrets)
      .filter(([name]) => name !== 'pusherKey' && name !== 'pusherAppId')
      .flatMap(([, value]) => value.split(/[,:]/).filter((part) => part.length >= 16)),
    'secrets.json',
    'TOKEN_KEYS',
    'REALTIME_ENCRYPTION_KEY',
    'STORAGE_KEYS',
    'PUSHER_SECRET',
    'mongodb://',
    'better-sqlite3',
  ];
  expect(forbidden.length).toBeGreaterThan(6);
  for (const [path, body] of Object.entries(served)) {
    for (const needle of forbidden) expect(body.includes(needle), `${needle.slice(0, 12)}… in ${path}`).toBe(false);
  }
});
