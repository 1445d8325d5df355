// What the contract check (api-contract.ts) covers, and where it keeps what it found until the test
// setup (test/setup/api-contract.ts) fails the test with it: a module of its own, so the setup can
// use both without loading the document and ajv into test files that never ask the API.

/** The paths the OpenAPI document covers: the API, and the health checks. */
export const isApiPath = (path: string): boolean => path.startsWith('/api/') || path === '/healthz' || path === '/readyz';

/** Where the tests' Parley servers (and the proxies in front of them) listen: any loopback address. */
const isLoopback = (hostname: string): boolean => /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === 'localhost' || hostname === '[::1]';

/** Whether an answer from `url` is one the contract check holds to the document: the API of a server on loopback. */
export const isCheckedUrl = (url: URL): boolean => isLoopback(url.hostname) && isApiPath(url.pathname);
const seen: string[] = [];

export function keepProblems(problems: readonly string[]): void {
  seen.push(...problems);
}

/** The problems found since the last take. */
export function takeProblems(): string[] {
  return seen.splice(0, seen.length);
}
