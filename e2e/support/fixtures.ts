// Shared fixtures: one Parley server per worker (a real child process, temp SQLite), a strict host
// page per test on another origin, and on every test the violation/dialog guard and the contract
// check of every API answer its pages receive (api-contract.ts).
import { test as base, expect } from '@playwright/test';
import { startParley, type ParleyProcess } from '../../test/helpers/parley-server.ts';
import { hostPolicy } from './csp.ts';
import { installGuard, type Guard } from './guard.ts';
import { watchApiAnswers, type ContractWatch } from './api-contract.ts';
import { startHost, type HostSite } from './host-server.ts';

/** Every test opens new conversations from 127.0.0.1: lift the per-IP limits meant for the wild. */
export const E2E_ENV: Record<string, string> = { RATE_SESSIONS_PER_IP: '100000', RATE_AUTH_PER_IP: '100000' };

export interface Fixtures {
  guard: Guard;
  /** Set false in the few tests that provoke violations on purpose and assert them themselves. */
  strictGuard: boolean;
  /** The API answers the test's pages received that depart from the OpenAPI document; any left at the end fail the test. */
  apiContract: ContractWatch;
  host: HostSite;
}

export const test = base.extend<Fixtures, { parley: ParleyProcess }>({
  parley: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const parley = await startParley(E2E_ENV);
      await use(parley);
      await parley.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  strictGuard: [true, { option: true }],
  guard: [
    async ({ context, strictGuard }, use) => {
      const guard = await installGuard(context);
      await use(guard);
      if (strictGuard) {
        expect(guard.violations, 'CSP / Trusted Types violations').toEqual([]);
        expect(guard.consoleErrors, 'CSP / Trusted Types console errors').toEqual([]);
        expect(guard.dialogs, 'dialogs (executed script)').toEqual([]);
      }
    },
    { auto: true },
  ],
  apiContract: [
    async ({ browser, context }, use) => {
      const watch = watchApiAnswers(browser, context);
      await use(watch);
      watch.stop();
      expect(await watch.take(), 'API answers that depart from the OpenAPI document (docs/api.md)').toEqual([]);
    },
    { auto: true },
  ],
  host: async ({ parley }, use) => {
    const host = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
    await use(host);
    await host.stop();
  },
});

export { expect };
