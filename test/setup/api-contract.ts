// Every test's HTTP answers keep to the OpenAPI document (test/helpers/api-contract.ts): fetch is
// wrapped here, for every test file (vitest.config.ts setupFiles), so no test can skip the check;
// the helpers that speak node:http record what they get themselves. Problems fail the test that got
// the answer, after it ran (afterEach). The check reads a clone of the answer beside the test, so the
// test gets its answer exactly when it would unwrapped (races such as "kill right after the 202"
// keep their timing). The checker (the document, ajv) loads with the first API answer, so files
// that never ask the API do not pay for it.
import { afterAll, afterEach } from 'vitest';
import { isCheckedUrl, keepProblems, takeProblems } from '../helpers/contract-problems.ts';

type Checker = typeof import('../helpers/api-contract.ts');
let checker: Promise<Checker> | undefined;
const loadChecker = (): Promise<Checker> => (checker ??= import('../helpers/api-contract.ts'));

const unwrapped = globalThis.fetch;
/** Checks still reading their answers. */
const pending = new Set<Promise<void>>();

async function check(method: string, url: URL, response: Response): Promise<void> {
  const { recordExchange } = await loadChecker();
  recordExchange({
    method,
    url: url.href,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: method.toUpperCase() === 'HEAD' ? '' : await response.text(),
    headers: new Set(response.headers.keys()),
    allow: response.headers.get('allow'),
  });
}

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await unwrapped(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (isCheckedUrl(url)) {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const checking: Promise<void> = check(method, url, response.clone())
      .catch((err: unknown) => keepProblems([`${method} ${url.pathname}: the answer could not be read for the check: ${String(err)}`]))
      .finally(() => pending.delete(checking));
    pending.add(checking);
  }
  return response;
};

async function failOnProblems(): Promise<void> {
  await Promise.all(pending);
  const problems = takeProblems();
  if (problems.length > 0) throw new Error(`answers departed from the OpenAPI document:\n${problems.join('\n')}`);
}

afterEach(failOnProblems);
afterAll(failOnProblems);
