// deploy/nginx/parley.conf, the proxy of deploy/compose.yaml, is the proxy the scale-out test runs
// (proxyConfig in test/helpers/nginx.ts) with TLS in front: below its TLS lines it is proxyConfig
// verbatim for the compose network's fixed addresses, and Debian's nginx accepts the whole file
// with a real certificate and key (nginx -t; Docker does not run here, so the image's nginx cannot).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { proxyConfig } from '../helpers/nginx.ts';

const CONF = fileURLToPath(new URL('../../deploy/nginx/parley.conf', import.meta.url));
const COMPOSE = fileURLToPath(new URL('../../deploy/compose.yaml', import.meta.url));
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
/** compose.yaml's fixed addresses on its edge network. */
const PARLEY_A = '172.30.250.11';
const PARLEY_B = '172.30.250.12';
const SOKETI = '172.30.250.20';

describe('deploy/nginx/parley.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-deploy-nginx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ends with the scale-out test's proxy config, verbatim, for the addresses compose.yaml fixes", () => {
    const tested = proxyConfig({ listen: '443 ssl', parley: [`${PARLEY_A}:3000`, `${PARLEY_B}:3000`], relay: `${SOKETI}:6001`, publishers: [PARLEY_A, PARLEY_B] });
    expect(readFileSync(CONF, 'utf8').endsWith(`\n${tested}`)).toBe(true);
    const compose = readFileSync(COMPOSE, 'utf8');
    for (const address of [PARLEY_A, PARLEY_B, SOKETI]) expect(compose).toContain(`ipv4_address: ${address}`);
  });

  it('is accepted by nginx -t, TLS included', () => {
    // What the nginx image has around it: http {} including the file, certificates under tls/.
    mkdirSync(join(dir, 'tls'));
    const cert = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=chat.example.com', '-keyout', join(dir, 'tls/privkey.pem'), '-out', join(dir, 'tls/fullchain.pem')],
      { encoding: 'utf8' },
    );
    expect(cert.status, cert.stderr).toBe(0);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  fastcgi_temp_path ${dir}/fastcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;\n  access_log off;\n  include ${CONF};\n}\n`,
    );
    const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    expect(check.stderr).toContain('syntax is ok');
    expect(check.stderr).toContain('test is successful');
    expect(check.status).toBe(0);
  });
});
