// Starts Debian's nginx as a child process in front of several Parley instances and the realtime
// relay (soketi), so the browser sees one origin for the page, the API and the WebSocket:
//   /app/…   WebSocket (Pusher protocol) → the relay
//   /apps/…  the relay's signed HTTP API → the relay, from 127.0.0.1 only (Parley publishes there)
//   the rest → the Parley instances, round robin
// Everything nginx writes (config, pid, logs, temp files) stays in a temp dir; a missing nginx
// fails the test, never skips it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NGINX_BINARY = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** A test-only response header naming the instance that answered, so a test can tell them apart. */
export const UPSTREAM_HEADER = 'x-upstream';

export interface NginxOptions {
  /** Ports of the Parley instances on 127.0.0.1. */
  parley: number[];
  /** Port of the relay (soketi) on 127.0.0.1. */
  relay: number;
  /** The port to listen on; chosen beforehand, because Parley's PUBLIC_URL must name it. */
  port: number;
}

export interface AccessEntry {
  method: string;
  path: string;
  status: number;
  /** Every upstream tried, in order (`127.0.0.1:p`); more than one when nginx moved on. */
  upstreams: string[];
}

export interface RunningNginx {
  port: number;
  /** `http://127.0.0.1:<port>`: the one origin visitors use. */
  origin: string;
  /** nginx's error log so far, to show when something fails. */
  errorLog(): string;
  /** One entry per request nginx finished. */
  accessLog(): AccessEntry[];
  stop(): Promise<void>;
}

/** What every proxied location sends on: nginx drops server-level proxy_set_header in a location that sets its own. */
function forwardedHeaders(extra: string[] = []): string {
  return [
    'proxy_set_header Host $http_host;',
    // Appended to whatever the client sent; Parley (TRUST_PROXY) takes the address nginx added.
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    ...extra,
  ].join('\n    ');
}

export interface ProxyAddresses {
  /** What nginx listens on. */
  listen: string;
  /** The Parley instances (`host:port`). */
  parley: string[];
  /** The relay (`host:port`). */
  relay: string;
  /** Who may use the relay's HTTP API through the proxy: the Parley instances' addresses. */
  publishers: string[];
}

/**
 * The part of the config a deployment needs (inside `http {}`): docs/design.md "Tested deployment"
 * shows it verbatim for the addresses it names, and a test keeps the two the same.
 */
export function proxyConfig(at: ProxyAddresses): string {
  return `server_tokens off;

upstream parley {
  # Round robin (nginx's default). A dead instance is skipped for requests nginx has not sent
  # yet; a POST it had sent when the instance died is answered 502, and the client retries it.
  ${at.parley.map((address) => `server ${address};`).join('\n  ')}
  keepalive 32;
  # Below Parley's HTTP_KEEPALIVE_TIMEOUT (5 s): nginx must never send a request on a connection
  # Parley is closing, or a POST already sent on it is answered 502.
  keepalive_timeout 4s;
}
upstream relay {
  server ${at.relay};
  keepalive 8;
  keepalive_timeout 4s;
}
# WebSocket upgrades pass Connection: upgrade on; everything else reuses upstream connections.
map $http_upgrade $connection_upgrade {
  default upgrade;
  '' '';
}

server {
  listen ${at.listen};
  proxy_http_version 1.1;

  location / {
    proxy_pass http://parley;
    ${forwardedHeaders(['proxy_set_header Connection "";'])}
  }
  location /app/ {
    proxy_pass http://relay;
    ${forwardedHeaders(['proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection $connection_upgrade;'])}
    # pusher-js pings after 2 min of silence at most; idle sockets must outlive that.
    proxy_read_timeout 10m;
  }
  location = /metrics {
    # Each instance's own figures, scraped on its own address: through here they would be one
    # instance's at random, and the endpoint need not face the internet at all.
    return 404;
  }
  location /apps/ {
    # The relay's HTTP API (signed with the app secret) is for Parley's publisher only.
    ${at.publishers.map((address) => `allow ${address};`).join('\n    ')}
    deny all;
    proxy_pass http://relay;
    ${forwardedHeaders(['proxy_set_header Connection "";'])}
  }
}
`;
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : by + line))
    .join('\n');

/** proxyConfig as one foreground process of a test: every path inside `dir`, and what the test reads. */
export function nginxConfig(dir: string, opts: NginxOptions): string {
  const proxy = proxyConfig({
    listen: `127.0.0.1:${opts.port}`,
    parley: opts.parley.map((port) => `127.0.0.1:${port}`),
    relay: `127.0.0.1:${opts.relay}`,
    publishers: ['127.0.0.1'],
  });
  return `# Generated by test/helpers/nginx.ts
# One process, in the foreground: no user switch, nothing written outside this directory.
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # For the test only: which instance answered, in the access log and in a response header.
  log_format upstreams '$request_method $uri $status $upstream_addr';
  access_log ${dir}/access.log upstreams;
  add_header X-Upstream $upstream_addr always;

  ${indent(proxy.trimEnd(), '  ')}
}
`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const readOr = (path: string, fallback: string) => (existsSync(path) ? readFileSync(path, 'utf8') : fallback);

/**
 * nginx writes its pid file only after every listening socket is bound, so the file holding our
 * child's pid is nginx's own "serving" signal; we watch the directory for it rather than poll.
 */
function untilServing(child: ChildProcess, dir: string): Promise<void> {
  const pidFile = join(dir, 'nginx.pid');
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (readOr(pidFile, '').trim() === String(child.pid)) done();
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`nginx exited (${code ?? signal}) before serving:\n${readOr(join(dir, 'error.log'), '')}`));
    const timer = setTimeout(() => done(new Error(`nginx was not serving within ${READY_TIMEOUT_MS} ms:\n${readOr(join(dir, 'error.log'), '')}`)), READY_TIMEOUT_MS);
    watcher.on('change', check);
    watcher.on('error', (error) => done(error));
    child.once('exit', onExit);
    check();
  });
}

function parseAccessLog(text: string): AccessEntry[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [method = '', path = '', status = '0', ...upstreams] = line.split(' ');
      return { method, path, status: Number(status), upstreams: upstreams.join(' ').split(/[,:]\s+/).filter((u) => u && u !== '-') };
    });
}

export async function startNginx(opts: NginxOptions): Promise<RunningNginx> {
  if (!existsSync(NGINX_BINARY)) {
    throw new Error(`nginx not found at ${NGINX_BINARY}: install it (apt-get install nginx) or set NGINX_BIN. The scale-out tests need a real reverse proxy and do not skip.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, opts));
  // -e: errors while reading the config go to our file too, not to /var/log/nginx.
  const child = spawn(NGINX_BINARY, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGQUIT: finish the requests in progress, then exit; SIGKILL if that takes too long.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilServing(child, dir);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port: opts.port,
    origin: `http://127.0.0.1:${opts.port}`,
    errorLog: () => readOr(join(dir, 'error.log'), ''),
    accessLog: () => parseAccessLog(readOr(join(dir, 'access.log'), '')),
    stop,
  };
}

