// How soon a visitor sees the bot (issue 17), timed inside the browser: Debian's Chromium driven by
// Playwright against the built server (`node dist/server/main.js`, what `npm start` runs).
//
//   click → greeting   the launcher's click (a capture listener in the host page) to the first bot
//                      bubble in the frame's DOM (a MutationObserver in the frame), both read as
//                      epoch milliseconds (timeOrigin + now) on the same machine
//   Enter → reply      the frame's keydown of Enter to the next bot bubble
//
// Three pages, each in fresh browser contexts (no cache, no conversation): the demo page Parley
// serves, a host page on another origin with the strict CSP of csp-whitelist.md, and, as the peer,
// the same kind of host page whose button frames a static page of another origin (a bare iframe).
// The split says where the time goes, from the frame's own resource timings: its HTML, its small
// first script and the chat UI's script (negative: before the click, the loader prepared the
// frame), the UI drawn, the `open` message reaching the frame, the session POST sent, on the wire
// and answered, the history GET; and for the reply, the
// message POST answered, then the bot's `typing` and its message arriving on the frame's socket.
// A third series clicks once the host page is idle, when the prepared frame is ready.
// Usage: npm run build && tsx bench/first-greeting.ts [runs]
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Frame, type Page } from '@playwright/test';
import { hostPolicy } from '../e2e/support/csp.ts';
import { startHost } from '../e2e/support/host-server.ts';
import { startParley } from '../test/helpers/parley-server.ts';
import { percentile } from './stats.ts';

const RUNS = Number(process.argv[2] ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Runs in every frame before its own scripts: the click, every bot bubble and the Enter key, as epoch ms. */
const PROBE = `(() => {
  const at = () => performance.timeOrigin + performance.now();
  const probe = (window.__probe = { bots: [], click: 0, enter: 0, shown: 0, drawn: 0, socket: [] });
  // Every Pusher event the frame's sockets receive, by name, with its arrival time: the reply's split.
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        try { const f = JSON.parse(e.data); probe.socket.push({ event: f.event, t: at() }); } catch {}
      });
    }
  };
  document.addEventListener('click', () => { if (!probe.click) probe.click = at(); }, true);
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter') probe.enter = at(); }, true);
  document.addEventListener('DOMContentLoaded', () => { probe.shown = at(); });
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'open' && !probe.open) probe.open = at(); }, true);
  new MutationObserver(() => {
    if (!probe.drawn && document.querySelector('.app')) probe.drawn = at();
    for (const el of document.querySelectorAll('.log .msg.bot[data-id]')) {
      const id = Number(el.getAttribute('data-id'));
      if (!probe.bots.some((b) => b.id === id)) probe.bots.push({ id, t: at() });
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

interface Probe {
  bots: { id: number; t: number }[];
  click: number;
  enter: number;
  shown: number;
  /** The chat's UI first in the frame's DOM. */
  drawn: number;
  socket: { event: string; t: number }[];
  open?: number;
}

interface Run {
  greeting: number;
  reply: number;
  split: Record<string, number>;
  replySplit: Record<string, number>;
}

const readProbe = (frame: Frame | Page) => frame.evaluate(() => (window as unknown as { __probe: Probe }).__probe);

/**
 * The frame's own resource timings, each relative to the click: where the greeting's time went.
 * A string, like PROBE: tsx would wrap the named helpers of a function in a `__name` the page lacks.
 */
const SPLIT = `(clickAt) => {
  const abs = (t) => Math.round(performance.timeOrigin + t - clickAt);
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const end = (match) => { const r = resources.find(match); return r ? abs(r.responseEnd) : NaN; };
  const session = resources.find((r) => r.name.includes('/api/v1/sessions'));
  return {
    'frame HTML done': nav ? abs(nav.responseEnd) : NaN,
    'first script done': end((r) => r.name.includes('/assets/frame-')),
    'UI script done': end((r) => r.name.includes('/assets/mount-')),
    'UI drawn': window.__probe.drawn ? Math.round(window.__probe.drawn - clickAt) : NaN,
    'open received': window.__probe.open ? Math.round(window.__probe.open - clickAt) : NaN,
    'session sent': session ? abs(session.startTime) : NaN,
    'session requested': session ? abs(session.requestStart) : NaN,
    'session first byte': session ? abs(session.responseStart) : NaN,
    'session done': end((r) => r.name.includes('/api/v1/sessions')),
    'history done': end((r) => r.name.includes('/api/v1/messages')),
  };
}`;

const split = (frame: Frame, click: number): Promise<Record<string, number>> => frame.evaluate(`(${SPLIT})(${click})`);

/**
 * Where Enter → reply goes, relative to the Enter key: the POST's answer (the visitor's message
 * stored), then on the socket the bot's "typing" (the turn has started), the bot's message (the
 * turn is stored and published), and the bubble in the DOM.
 */
const REPLY_SPLIT = `(enterAt) => {
  const abs = (t) => Math.round(performance.timeOrigin + t - enterAt);
  const post = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/messages') && r.initiatorType === 'fetch' && performance.timeOrigin + r.startTime >= enterAt);
  const socket = window.__probe.socket.filter((e) => e.t >= enterAt);
  const at = (i) => (i ? Math.round(i.t - enterAt) : NaN);
  const typing = socket.find((e) => e.event === 'typing');
  const messages = socket.filter((e) => e.event === 'message');
  return {
    'POST sent': post[0] ? abs(post[0].startTime) : NaN,
    'POST on the wire': post[0] ? abs(post[0].requestStart) : NaN,
    'POST answered': post[0] ? abs(post[0].responseEnd) : NaN,
    'typing on socket': at(typing),
    'reply on socket': at(messages[1]),
  };
}`;

async function chatFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[title="Chat"]', { state: 'attached' });
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the chat iframe has no frame');
  return frame;
}

/**
 * One visitor: open the page, click the launcher, wait for the greeting, send one message, wait for
 * the reply. `settled`: the visitor clicks once the page's network is idle (the frame the loader
 * prepares at idle is then ready, as for anyone who takes half a second to find the launcher);
 * otherwise the click comes the moment the page has loaded, racing the preparation.
 */
async function visit(browser: Browser, url: string, settled = false): Promise<Run> {
  const context = await browser.newContext();
  await context.addInitScript(PROBE);
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: settled ? 'networkidle' : 'load' });
    await page.locator('button[aria-controls^="parley-panel-"]').click();
    const frame = await chatFrame(page);
    await frame.waitForFunction(() => (window as unknown as { __probe: Probe }).__probe.bots.length > 0, undefined, { timeout: 30_000 });
    const click = (await readProbe(page)).click;
    const greeted = await readProbe(frame);
    const box = frame.getByRole('textbox');
    await box.waitFor({ state: 'visible' });
    await box.fill('hello, what are your opening hours?');
    const before = Math.max(...greeted.bots.map((b) => b.id));
    await box.press('Enter');
    await frame.waitForFunction((last) => (window as unknown as { __probe: Probe }).__probe.bots.some((b) => b.id > last), before, { timeout: 30_000 });
    const replied = await readProbe(frame);
    const reply = replied.bots.find((b) => b.id > before)!.t - replied.enter;
    const replySplit = (await frame.evaluate(`(${REPLY_SPLIT})(${replied.enter})`)) as Record<string, number>;
    return { greeting: greeted.bots[0]!.t - click, reply, split: await split(frame, click), replySplit };
  } finally {
    await context.close();
  }
}

/** The peer: click a button that frames a static page of another origin; time to that page's DOMContentLoaded. */
async function bareIframe(browser: Browser, hostUrl: string): Promise<number> {
  const context = await browser.newContext();
  await context.addInitScript(PROBE);
  try {
    const page = await context.newPage();
    await page.goto(hostUrl, { waitUntil: 'load' });
    await page.locator('#open').click();
    const handle = await page.waitForSelector('iframe', { state: 'attached' });
    const frame = (await handle.contentFrame())!;
    await frame.waitForFunction(() => (window as unknown as { __probe: Probe }).__probe.shown > 0, undefined, { timeout: 30_000 });
    return (await readProbe(frame)).shown - (await readProbe(page)).click;
  } finally {
    await context.close();
  }
}

function listen(address: string, routes: Record<string, [string, string]>): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    res.writeHead(route ? 200 : 404, { 'Content-Type': route?.[0] ?? 'text/plain', 'Cache-Control': 'no-store' });
    res.end(route?.[1] ?? 'not found');
  });
  return new Promise((resolve) => server.listen(0, address, () => resolve(server)));
}

const url = (server: Server, address: string) => `http://${address}:${(server.address() as AddressInfo).port}`;

/** A static page on 127.0.0.3 and a host page on 127.0.0.1 whose button frames it: nothing else. */
async function startBarePeer(): Promise<{ url: string; stop(): void }> {
  const framed = await listen('127.0.0.3', {
    '/': ['text/html; charset=utf-8', '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Static</title></head><body><p>A static page.</p></body></html>'],
  });
  const framedUrl = `${url(framed, '127.0.0.3')}/`;
  const host = await listen('127.0.0.1', {
    '/': ['text/html; charset=utf-8', '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title><script src="/open.js" defer></script></head><body><button id="open" type="button">Open</button></body></html>'],
    '/open.js': [
      'text/javascript',
      `document.getElementById('open').addEventListener('click', () => { const f = document.createElement('iframe'); f.src = ${JSON.stringify(framedUrl)}; document.body.append(f); });`,
    ],
  });
  return { url: `${url(host, '127.0.0.1')}/`, stop: () => (framed.close(), host.close(), undefined) };
}

const ms = (v: number) => `${Math.round(v)}`.padStart(5);

function print(name: string, runs: Run[]): void {
  const line = (label: string, values: number[]) => console.log(`  ${label.padEnd(22)} median ${ms(percentile(values, 50))} ms   p90 ${ms(percentile(values, 90))} ms`);
  console.log(`${name} (${runs.length} runs)`);
  line('click → greeting', runs.map((r) => r.greeting));
  line('Enter → bot reply', runs.map((r) => r.reply));
  for (const part of Object.keys(runs[0]!.split)) line(`  ${part} at`, runs.map((r) => r.split[part]!).filter(Number.isFinite));
  for (const part of Object.keys(runs[0]!.replySplit)) line(`  ${part} at`, runs.map((r) => r.replySplit[part]!).filter(Number.isFinite));
}

async function main(): Promise<void> {
  const parley = await startParley(
    { RATE_SESSIONS_PER_IP: '100000', RATE_AUTH_PER_IP: '100000', LOG_LEVEL: 'error' },
    { command: [process.execPath, 'dist/server/main.js'], cwd: ROOT },
  );
  const host = await startHost({ parleyUrl: parley.url, policy: hostPolicy(new URL(parley.url).origin) });
  const peer = await startBarePeer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    // One of each first, unmeasured: the server's first bot load and Chromium's first process.
    await visit(browser, `${parley.url}/`);
    await bareIframe(browser, peer.url);
    const demo: Run[] = [];
    const embedded: Run[] = [];
    const settled: Run[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      demo.push(await visit(browser, `${parley.url}/`));
      embedded.push(await visit(browser, host.url));
      settled.push(await visit(browser, host.url, true));
      bare.push(await bareIframe(browser, peer.url));
    }
    print('demo page (Parley origin)', demo);
    print('host page on another origin, strict CSP', embedded);
    print('the same, clicked once the page is idle', settled);
    const bareMedian = percentile(bare, 50);
    console.log(`bare iframe with a static page (peer, ${bare.length} runs)\n  click → shown           median ${ms(bareMedian)} ms   p90 ${ms(percentile(bare, 90))} ms`);
    console.log(`embedded greeting vs bare iframe: ${(percentile(embedded.map((r) => r.greeting), 50) / bareMedian).toFixed(2)}× (target ≤ 2×)`);
    console.log(`the same, clicked once idle: ${(percentile(settled.map((r) => r.greeting), 50) / bareMedian).toFixed(2)}×`);
  } finally {
    await browser.close();
    await host.stop();
    peer.stop();
    await parley.stop();
  }
}

await main();
