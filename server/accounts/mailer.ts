// The console's e-mails: invitations and password resets, each carrying a one-time link. With
// SMTP_URL they go through nodemailer; without it (development) the link is printed to the
// terminal instead, written straight to the stream, never through the logger: a log line is
// shipped and kept, and a set-password link in it would be a way into the console.
import nodemailer from 'nodemailer';

export interface LinkMail {
  to: string;
  link: string;
  /** When the link stops working; said in the mail. */
  expiresAt: Date;
}

export interface Mailer {
  sendInvitation(mail: LinkMail): Promise<void>;
  sendPasswordReset(mail: LinkMail): Promise<void>;
}

export interface MailerOptions {
  /** smtp:// or smtps:// URL of the outgoing server; unset: print instead of sending. */
  smtpUrl?: string;
  /** The From address; by default "Parley <parley@host of publicUrl>". */
  from?: string;
  /** Where the console is, named in each mail. */
  publicUrl: string;
  /** Where printed links go without SMTP: the terminal. */
  out?: { write(text: string): unknown };
}

/** A failing mail server should fail the request soon, not hold it for nodemailer's 2-minute default. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** "2026-03-03 09:00 UTC": one unambiguous form, whatever the reader's zone. */
const utc = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

interface Composed {
  /** For the printed line: what this mail is. */
  purpose: string;
  subject: string;
  text: string;
}

function invitation(mail: LinkMail, consoleUrl: string): Composed {
  return {
    purpose: 'invitation',
    subject: 'You are invited to the Parley console',
    text: [
      `You have been invited to the Parley console at ${consoleUrl}.`,
      '',
      'Choose your password here:',
      mail.link,
      '',
      `The link works once, until ${utc(mail.expiresAt)}. If you did not expect this invitation, ignore this e-mail.`,
    ].join('\n'),
  };
}

function passwordReset(mail: LinkMail, consoleUrl: string): Composed {
  return {
    purpose: 'password reset',
    subject: 'Reset your Parley console password',
    text: [
      `Someone asked to reset the password of your account on the Parley console at ${consoleUrl}.`,
      '',
      'Choose a new password here:',
      mail.link,
      '',
      `The link works once, until ${utc(mail.expiresAt)}. If you did not ask for this, ignore this e-mail: your password stays as it is.`,
    ].join('\n'),
  };
}

type Deliver = (mail: LinkMail, composed: Composed) => Promise<void>;

function smtpDelivery(smtpUrl: string, from: string): Deliver {
  const transport = nodemailer.createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS });
  return async (mail, composed) => {
    await transport.sendMail({ from, to: mail.to, subject: composed.subject, text: composed.text });
  };
}

function printedDelivery(out: NonNullable<MailerOptions['out']>): Deliver {
  out.write('SMTP_URL is not set: console invitation and password-reset links are printed here instead of e-mailed (development only).\n');
  return async (mail, composed) => {
    out.write(`Console ${composed.purpose} for ${mail.to} (not e-mailed): ${mail.link}\n`);
  };
}

export function createMailer(options: MailerOptions): Mailer {
  const consoleUrl = new URL('/console/', options.publicUrl).href;
  const from = options.from ?? `Parley <parley@${new URL(options.publicUrl).hostname}>`;
  const deliver = options.smtpUrl ? smtpDelivery(options.smtpUrl, from) : printedDelivery(options.out ?? process.stdout);
  return {
    sendInvitation: (mail) => deliver(mail, invitation(mail, consoleUrl)),
    sendPasswordReset: (mail) => deliver(mail, passwordReset(mail, consoleUrl)),
  };
}
