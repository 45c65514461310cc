// The syntax of config `mailUrl`, checked when the config loads (no transport is opened here).
import { isAbsolute, resolve } from 'node:path';

/** Checks a mailUrl without opening anything; the problem or null. */
export function mailUrlProblem(mailUrl: string): string | null {
  if (mailUrl.startsWith('file:')) return mailUrl.slice('file:'.length).replace(/^\/\//, '') === '' ? 'mailUrl file: needs a directory, e.g. file:./data/mail' : null;
  let url: URL;
  try {
    url = new URL(mailUrl);
  } catch {
    return `mailUrl must be smtp://, smtps:// or file:<dir>`;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return `mailUrl must be smtp://, smtps:// or file:<dir>, not ${url.protocol}`;
  if (!url.hostname) return 'mailUrl needs a host, e.g. smtp://mail.example.com:587';
  return null;
}

/** The folder of a `file:` mail URL, absolute (relative to the working directory). */
export function mailDirectory(mailUrl: string): string {
  const path = mailUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  return isAbsolute(path) ? path : resolve(path);
}

