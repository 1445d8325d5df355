// Console e-mails through a real SMTP server running in this process (smtp-server on a free
// loopback port), and the development fallback that prints links to the terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createMailer } from './mailer.ts';

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
}

/** Headers (unfolded, by lower-case name) and the body of a single-part message. */
function parseMessage(raw: string) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of head!.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = rest.join('\r\n\r\n');
  // Long lines (the link) make nodemailer choose quoted-printable: undo soft breaks and =XX escapes.
  if (headers.get('content-transfer-encoding') === 'quoted-printable') {
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  }
  return { headers, body };
}

const LINK = 'https://chat.example/console/set-password#token=Qm9vazEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEy';
const EXPIRES = new Date('2026-03-03T09:00:00Z');

describe('console mail over SMTP', () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let port: number;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'], // plain loopback SMTP: no self-signed certificate to trust
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  it('delivers an invitation: to the invitee, a clear subject, the link and its expiry in a plain-text body', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, publicUrl: 'https://chat.example' });
    await mailer.sendInvitation({ to: 'ann@shop.example', link: LINK, expiresAt: EXPIRES });
    // sendInvitation resolves once the server has accepted the DATA, i.e. after onData called back.
    const mail = received.at(-1)!;
    expect(mail.envelopeTo).toEqual(['ann@shop.example']);
    expect(mail.envelopeFrom).toBe('parley@chat.example');
    const { headers, body } = parseMessage(mail.raw);
    expect(headers.get('to')).toBe('ann@shop.example');
    expect(headers.get('from')).toBe('Parley <parley@chat.example>');
    expect(headers.get('subject')).toBe('You are invited to the Parley console');
    expect(headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/);
    expect(body).toContain(LINK);
    expect(body.split(LINK)).toHaveLength(2); // once
    expect(body).toContain('2026-03-03 09:00 UTC');
    expect(body).toContain('https://chat.example');
  });

  it('delivers a password reset from the configured sender', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, publicUrl: 'https://chat.example', from: 'Support <support@shop.example>' });
    await mailer.sendPasswordReset({ to: 'bo@shop.example', link: LINK, expiresAt: EXPIRES });
    const { headers, body } = parseMessage(received.at(-1)!.raw);
    expect(received.at(-1)!.envelopeTo).toEqual(['bo@shop.example']);
    expect(headers.get('from')).toBe('Support <support@shop.example>');
    expect(headers.get('subject')).toBe('Reset your Parley console password');
    expect(body).toContain(LINK);
  });

  it('rejects when the SMTP server cannot be reached, so the caller knows the mail did not go', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createTcpServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${closedPort}`, publicUrl: 'https://chat.example' });
    await expect(mailer.sendInvitation({ to: 'ann@shop.example', link: LINK, expiresAt: EXPIRES })).rejects.toThrow();
  });
});

describe('console mail without SMTP_URL (development)', () => {
  function capture() {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    return { out, text: () => chunks.join('') };
  }

  it('says at once that links are printed, not sent', () => {
    const terminal = capture();
    createMailer({ publicUrl: 'http://localhost:3000', out: terminal.out });
    expect(terminal.text()).toMatch(/SMTP_URL is not set/);
    expect(terminal.text()).toMatch(/printed here instead of e-mailed/);
  });

  it('prints each link with its recipient and purpose to the given stream (the terminal), one line each', async () => {
    const terminal = capture();
    const mailer = createMailer({ publicUrl: 'http://localhost:3000', out: terminal.out });
    const before = terminal.text();
    await mailer.sendInvitation({ to: 'ann@shop.example', link: LINK, expiresAt: EXPIRES });
    await mailer.sendPasswordReset({ to: 'bo@shop.example', link: `${LINK}2`, expiresAt: EXPIRES });
    const lines = terminal.text().slice(before.length).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('ann@shop.example');
    expect(lines[0]).toContain('invitation');
    expect(lines[0]).toContain(LINK);
    expect(lines[1]).toContain('bo@shop.example');
    expect(lines[1]).toContain('password reset');
    expect(lines[1]).toContain(`${LINK}2`);
  });
});
