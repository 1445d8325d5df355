// The e2e contract check (support/api-contract.ts) refuses what departs from the OpenAPI document.
// Parley itself never does (every other spec passes the check), so a real server on loopback plays
// a Parley that drifted: a field the document does not name, a status it does not list. Each
// answer must be caught, in the test's default context and in a context the test opens itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/fixtures.ts';

/** Answers as a drifted Parley would: `/healthz` with an extra field, `GET /api/v1/messages` with 418. */
async function driftedParley(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: '1.2.3' }));
    } else if (path === '/api/v1/messages') {
      res.writeHead(418, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'teapot', message: 'I am a teapot' } }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('the contract check refuses an undocumented field and an undocumented status, in every context', async ({ page, browser, apiContract, parley }) => {
  const drifted = await driftedParley();
  try {
    await page.goto(`${drifted.url}/healthz`);
    const own = await browser.newContext();
    await (await own.newPage()).goto(`${drifted.url}/api/v1/messages`);
    await own.close();
    // Parley's own answer on the same page keeps to the document: nothing to report for it.
    await page.goto(`${parley.url}/api/v1/openapi.json`);

    const problems = await apiContract.take();
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/healthz → 200: the body does not match the document: .*additional properties.*"version":"1\.2\.3"/),
        expect.stringMatching(/^GET \/api\/v1\/messages → 418: status 418 is not documented for GET \/api\/v1\/messages/),
      ]),
    );
  } finally {
    drifted.server.close();
  }
});
