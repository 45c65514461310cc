// `gatehouse mail test --to ADDRESS`: sends one mail through the configured transport (mailUrl),
// so an operator sees at once whether delivery works.
import { parseCommand, expectPositionals, required, globalOptionsHelp } from './args.js';
import { commandConfig, commandLogger } from './context.js';
import { CommandError } from './errors.js';
import { printLine } from './output.js';
import { emailProblem } from '../accounts/email.js';
import { createMailer, mailDirectory } from '../mail/transport.js';
import { testMail } from '../mail/templates.js';
import { redactUrl } from '../storage/database-location.js';

export const mailHelp = `Usage: gatehouse mail <command> [options]

Commands:
  test     send a test mail through the configured transport (mailUrl)

Run 'gatehouse mail <command> --help' for the options of each.`;

const testHelp = `Usage: gatehouse mail test --to ADDRESS

Sends a short test mail through the transport of config "mailUrl" (env GATEHOUSE_MAIL_URL):
smtp://, smtps://, or file:<dir> (written as an .eml file there), from "mailFrom".

Options:
  --to ADDRESS     the recipient (required)

${globalOptionsHelp}`;

async function test(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand('mail test', args, { to: { type: 'string' } });
  if (values.help) return printLine(testHelp);
  expectPositionals('mail test', positionals, []);
  const to = required('mail test', 'to', values.to);
  const problem = emailProblem(to);
  if (problem) throw new CommandError(problem);
  const config = commandConfig(values);
  const where = config.mailUrl.startsWith('file:') ? mailDirectory(config.mailUrl) : redactUrl(config.mailUrl);
  const mailer = createMailer(config, commandLogger(config));
  try {
    await mailer.send({ to, ...testMail(), purpose: 'test' });
  } catch (error) {
    throw new CommandError(`mail to ${to} through ${where} failed: ${(error as Error).message}`);
  } finally {
    mailer.close();
  }
  printLine(`Sent a test mail to ${to} through ${where}`);
}

export const mailCommands = { test };
