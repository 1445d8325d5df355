// Liveness and readiness, as an orchestrator or load balancer reads them: /healthz says the process
// answers (restarting it would not bring a relay back), /readyz says whether it can serve a chat
// now, naming each check, so a probe's 503 tells the operator which part is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess } from '../helpers/in-process-parley.ts';
import { deploymentSecrets } from '../helpers/deployment-secrets.ts';
import { freePort } from '../helpers/ports.ts';
import { call } from '../helpers/visitor-api.ts';
import { startFerretDb } from '../helpers/ferretdb.ts';

type Running = Awaited<ReturnType<typeof startInProcess>>;

describe('health and readiness', () => {
  let relayDown: Running;
  let embedded: Running;
  beforeAll(async () => {
    // An external relay on a port nobody listens on: the store is fine, the relay is not.
    const secrets = deploymentSecrets();
    relayDown = await startInProcess({ ...secrets, REALTIME: 'pusher', PUSHER_HOST: '127.0.0.1', PUSHER_PORT: String(await freePort()), PUSHER_USE_TLS: 'false' });
    embedded = await startInProcess();
  });
  afterAll(async () => {
    await relayDown?.close();
    await embedded?.close();
  });

  it('/healthz answers 200 while the relay is down: the process is alive', async () => {
    const res = await call(relayDown.url, '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz answers 503 naming the check that fails while the relay is down', async () => {
    const res = await call(relayDown.url, '/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable', checks: { store: true, realtime: false, keyStore: true } });
  });

  it('/readyz answers 200 when every check passes', async () => {
    const res = await call(embedded.url, '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { store: true, realtime: true, keyStore: true } });
  });

  it('both are GET only: another method is the usual JSON 405', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await call(embedded.url, path, { method: 'POST', body: '' });
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ error: { code: 'method_not_allowed', message: 'Method not allowed' } });
    }
  });

  it('/readyz answers 503 naming the key store when it is down while the data store answers (encryption at rest keeps it apart)', async () => {
    // The data on one MongoDB-protocol server, the keys on another, as KEY_STORE_MONGODB_URI allows.
    const [data, keys] = await Promise.all([startFerretDb(), startFerretDb()]);
    let parley: Running | undefined;
    try {
      parley = await startInProcess({ ...deploymentSecrets(), MONGODB_URI: `${data.uri}parley_health`, KEY_STORE_MONGODB_URI: `${keys.uri}parley_health_keys` });
      expect((await call(parley.url, '/readyz')).body).toEqual({ status: 'ready', checks: { store: true, realtime: true, keyStore: true } });
      await keys.stop();
      const res = await call(parley.url, '/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { store: true, realtime: true, keyStore: false } });
    } finally {
      await parley?.close();
      await Promise.all([data.stop(), keys.stop()]);
    }
  }, 90_000);
});
