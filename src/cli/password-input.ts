// Where a new password comes from: with --password-stdin, a prompt without echo when stdin is a
// terminal (typed twice), else the first line of stdin (kept out of shell history and the
// process list); or, for throwaway setups, --password.
import type { ReadStream } from 'node:tty';
import { CommandError, UsageError } from './errors.js';

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    data += chunk as string;
    const end = data.indexOf('\n');
    if (end >= 0) return data.slice(0, end).replace(/\r$/, '');
  }
  return data.replace(/\r$/, '');
}

/**
 * Shows `prompt` on `output` and reads one line from the terminal in raw mode, so nothing typed is
 * echoed. Enter ends it; Backspace and Ctrl-U edit; Ctrl-C cancels; Ctrl-D on an empty line is
 * end of input.
 */
export function promptHidden(prompt: string, input: ReadStream, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const finish = (error: Error | null) => {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed.join(''));
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003') return finish(new CommandError('cancelled'));
        if (char === '\u0004') {
          if (typed.length === 0) return finish(null);
        } else if (char === '\u007f' || char === '\b') {
          typed.pop();
        } else if (char === '\u0015') {
          typed = [];
        } else if (char >= ' ') {
          typed.push(char);
        }
      }
    };
    output.write(prompt);
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}

/** The password typed twice at a terminal; a mismatch is refused rather than stored. */
async function promptNewPassword(input: ReadStream, output: NodeJS.WritableStream): Promise<string> {
  const password = await promptHidden('Password: ', input, output);
  if (password === '') return password;
  if (await promptHidden('Repeat password: ', input, output) !== password) throw new UsageError('the two passwords do not match');
  return password;
}

export interface PasswordIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where the prompt goes: stderr, so stdout keeps only the command's output (maybe JSON). */
  output: NodeJS.WritableStream;
}

/** The password from exactly one of `--password-stdin` and `--password`. */
export async function readPassword(
  command: string,
  values: { 'password-stdin'?: boolean | undefined; password?: string | undefined },
  io: PasswordIo = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const fromStdin = values['password-stdin'] ?? false;
  if (fromStdin && values.password !== undefined) {
    throw new UsageError(`use either --password-stdin or --password, not both (see 'gatehouse ${command} --help')`);
  }
  if (!fromStdin && values.password === undefined) {
    throw new UsageError(`missing password: use --password-stdin or --password (see 'gatehouse ${command} --help')`);
  }
  let password = values.password ?? '';
  if (fromStdin) {
    password = io.input.isTTY ? await promptNewPassword(io.input as ReadStream, io.output) : await readFirstLine(io.input);
  }
  if (password === '') throw new UsageError(fromStdin ? 'no password on stdin' : 'password must not be empty');
  return password;
}
