// docs/design.md "Tested deployment" shows the nginx config the scale-out test runs; this keeps the
// page and test/helpers/nginx.ts the same, so the documented config is the tested one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyConfig } from '../helpers/nginx.ts';

const DESIGN = new URL('../../docs/design.md', import.meta.url);

describe('docs/design.md "Tested deployment"', () => {
  it('shows the nginx config the scale-out test runs, verbatim', () => {
    const section = readFileSync(DESIGN, 'utf8').split('\n## Tested deployment\n')[1]?.split('\n## ')[0] ?? '';
    const shown = /^```nginx\n([\s\S]*?)^```/m.exec(section)?.[1];
    expect(shown).toBe(proxyConfig({ listen: '127.0.0.1:8080', parley: ['127.0.0.1:3001', '127.0.0.1:3002'], relay: '127.0.0.1:6001', publishers: ['127.0.0.1'] }));
  });
});
