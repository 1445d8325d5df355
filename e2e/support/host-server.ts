// A site owner's page on another origin than Parley: a tiny node:http server on a loopback
// address, serving one HTML page that embeds the widget with the given CSP. No inline script or
// style, like a strict real site.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostSite {
  origin: string;
  url: string;
  stop(): Promise<void>;
}

export interface HostOptions {
  parleyUrl: string;
  policy: string;
  /** Loopback address to listen on; its text becomes the page's origin. */
  address?: '127.0.0.1' | '127.0.0.2' | 'localhost';
  /** Extra attributes on the widget's script tag (data-*, nonce). */
  attrs?: Record<string, string>;
  /** A whole page of the test's own instead of the widget page (e.g. one that frames a Parley page). */
  html?: string;
}

const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function page(opts: HostOptions): string {
  const attrs = Object.entries({ 'data-bot': 'demo', ...opts.attrs })
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host shop</title>
<script src="${escapeAttr(opts.parleyUrl)}/widget.js"${attrs} async></script>
</head>
<body>
<header><a href="#main" id="skip">Skip to content</a></header>
<main id="main">
<h1>A shop with a strict Content Security Policy</h1>
<p>This page allows only what csp-whitelist.md lists, and enforces Trusted Types.</p>
</main>
</body>
</html>`;
}

export async function startHost(opts: HostOptions): Promise<HostSite> {
  const address = opts.address ?? '127.0.0.1';
  const body = opts.html ?? page(opts);
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': opts.policy,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address === 'localhost' ? '127.0.0.1' : address, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${address}:${port}`;
  return {
    origin,
    url: `${origin}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the browser keeps connections alive
      }),
  };
}
