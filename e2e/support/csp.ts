// Builds host-page policies from csp-whitelist.md at test time, so the document a site owner reads
// is exactly what the tests prove: the code block is taken verbatim, only the example origin is
// replaced by the Parley server under test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOC = fileURLToPath(new URL('../../csp-whitelist.md', import.meta.url));
const EXAMPLE_ORIGIN = 'https://chat.example.com';

/** The directives of the fenced block with the given info string (```csp, ```csp-nonce). */
export function whitelistBlock(info: 'csp' | 'csp-nonce'): string {
  const text = readFileSync(DOC, 'utf8');
  const match = new RegExp('^```' + info + '\\n([\\s\\S]*?)^```', 'm').exec(text);
  if (!match?.[1]) throw new Error(`csp-whitelist.md has no \`\`\`${info} block`);
  return match[1];
}

function directives(block: string): string[] {
  return block
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter(Boolean);
}

/**
 * The strictest sensible host page: nothing allowed by default, the whitelist verbatim, and
 * Trusted Types enforced.
 */
export function hostPolicy(parleyOrigin: string, options: { nonce?: string } = {}): string {
  const block = whitelistBlock(options.nonce ? 'csp-nonce' : 'csp')
    .replaceAll(EXAMPLE_ORIGIN, parleyOrigin)
    .replaceAll('{RANDOM}', options.nonce ?? '');
  return ["default-src 'none'", ...directives(block), "require-trusted-types-for 'script'"].join('; ');
}
