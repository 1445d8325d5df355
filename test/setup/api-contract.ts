// Every test's HTTP answers keep to the OpenAPI document (test/helpers/api-contract.ts): fetch is
// wrapped here, for every test file (vitest.config.ts setupFiles), so no test can skip the check;
// the helpers that speak node:http record what they get themselves. A fetch whose answer departs
// from the document rejects, and in case the test caught that, the test fails afterwards anyway.
// The checker (the document, ajv) loads with the first API answer, so files that never ask the
// API do not pay for it.
import { afterAll, afterEach } from 'vitest';
import { takeProblems } from '../helpers/contract-problems.ts';

type Checker = typeof import('../helpers/api-contract.ts');
let checker: Promise<Checker> | undefined;
const loadChecker = (): Promise<Checker> => (checker ??= import('../helpers/api-contract.ts'));

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const unwrapped = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await unwrapped(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!LOOPBACK.has(url.hostname)) return response;
  const { isApiPath, recordExchange } = await loadChecker();
  if (!isApiPath(url.pathname)) return response;
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  const problems = recordExchange({
    method,
    url: url.href,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: method.toUpperCase() === 'HEAD' ? '' : await response.clone().text(),
    headers: new Set(response.headers.keys()),
    allow: response.headers.get('allow'),
  });
  if (problems.length > 0) throw new Error(`the answer departs from the OpenAPI document:\n${problems.join('\n')}`);
  return response;
};

function failOnProblems(): void {
  const problems = takeProblems();
  if (problems.length > 0) throw new Error(`answers departed from the OpenAPI document:\n${problems.join('\n')}`);
}

afterEach(failOnProblems);
afterAll(failOnProblems);
