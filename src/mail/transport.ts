// The mail transport, chosen by URL (config `mailUrl`): `smtp://` or `smtps://` through
// nodemailer (with timeouts), or `file:<dir>`, the development default, which writes each mail as
// an .eml file (mode 0600: it holds links that open accounts) and logs the file's path. Logs name
// the file or the SMTP message id and the mail's purpose, never the link, the token or the text.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../lib/logger.js';
import { randomToken } from '../lib/random.js';
import { mailDirectory, mailUrlProblem } from './mail-url.js';
import type { Mailer } from './mailer.js';

export { mailDirectory, mailUrlProblem };
export type { Mailer, MailMessage } from './mailer.js';

export interface MailerOptions {
  mailUrl: string;
  mailFrom: string;
  /** Seconds to connect, to get the greeting, and of socket inactivity. */
  mailTimeout: number;
}

export class MailConfigError extends Error {
  override readonly name = 'MailConfigError';
}

export function createMailer(options: MailerOptions, logger: Logger): Mailer {
  const problem = mailUrlProblem(options.mailUrl);
  if (problem) throw new MailConfigError(problem);
  return options.mailUrl.startsWith('file:') ? fileMailer(options, logger) : smtpMailer(options, logger);
}

function smtpMailer(options: MailerOptions, logger: Logger): Mailer {
  const ms = options.mailTimeout * 1000;
  const transport = nodemailer.createTransport({
    url: options.mailUrl, connectionTimeout: ms, greetingTimeout: ms, socketTimeout: ms, dnsTimeout: ms,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: 'smtp',
    async send(message) {
      const info = await transport.sendMail({ from: options.mailFrom, to: message.to, subject: message.subject, text: message.text, html: message.html }) as { messageId?: string };
      logger.info({ purpose: message.purpose, messageId: info.messageId }, 'mail sent');
    },
    close() {
      transport.close();
    },
  };
}

function fileMailer(options: MailerOptions, logger: Logger): Mailer {
  const directory = mailDirectory(options.mailUrl);
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    async send(message) {
      const info = await composer.sendMail({ from: options.mailFrom, to: message.to, subject: message.subject, text: message.text, html: message.html });
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.purpose}-${randomToken(6)}.eml`;
      const path = join(directory, name);
      writeFileSync(path, info.message as Buffer, { mode: 0o600 });
      logger.info({ purpose: message.purpose, path }, 'mail written to a file (development mail transport)');
    },
    close() {
      composer.close();
    },
  };
}
