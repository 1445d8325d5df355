// Where the contract check (api-contract.ts) keeps what it found until the test setup
// (test/setup/api-contract.ts) fails the test with it: a module of its own, so the setup can read
// it without loading the document and ajv into test files that never ask the API.
const seen: string[] = [];

export function keepProblems(problems: readonly string[]): void {
  seen.push(...problems);
}

/** The problems found since the last take. */
export function takeProblems(): string[] {
  return seen.splice(0, seen.length);
}
