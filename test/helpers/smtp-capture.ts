// A real SMTP server on a loopback port that keeps what it receives, for tests that follow the
// links in console e-mails. Plain SMTP (no STARTTLS): nothing leaves the machine.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string[];
  raw: string;
}

export interface SmtpCapture {
  url: string;
  mails: CapturedMail[];
  /** The one console link (…/console/#purpose=token) in the latest mail to `to`, waiting for it. */
  linkFor(to: string): Promise<string>;
  close(): Promise<void>;
}

/** Quoted-printable soft breaks and escapes undone, so the link reads whole. */
const unQuote = (raw: string) =>
  Buffer.from(raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const waiters: Array<() => void> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: unQuote(Buffer.concat(chunks).toString('utf8')) });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  const latestLink = (to: string) => {
    const mail = mails.findLast((m) => m.to.includes(to));
    return mail ? /https?:\/\/\S+\/console\/#[a-z-]+=[A-Za-z0-9_-]+/.exec(mail.raw)?.[0] : undefined;
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async linkFor(to) {
      for (;;) {
        const link = latestLink(to);
        if (link) return link;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
