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
 * Reads lines from a terminal in raw mode, so nothing typed is echoed. Raw mode is on before any
 * prompt shows and stays on until `close`, so typing ahead (or pasting both answers) never echoes.
 * Enter ends a line; Backspace and Ctrl-U edit; Ctrl-C cancels; Ctrl-D on an empty line ends input.
 */
export function hiddenLineReader(input: ReadStream, output: NodeJS.WritableStream) {
  const pending: string[] = [];
  let waiting: (() => void) | null = null;
  const onData = (chunk: string) => {
    pending.push(...chunk);
    waiting?.();
  };
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.on('data', onData);
  input.resume();

  /** The next character, waiting for the terminal when none is pending. */
  async function nextChar(): Promise<string> {
    while (pending.length === 0) await new Promise<void>((resolve) => { waiting = resolve; });
    waiting = null;
    return pending.shift() ?? '';
  }

  return {
    async line(prompt: string): Promise<string> {
      output.write(prompt);
      let typed: string[] = [];
      try {
        for (;;) {
          const char = await nextChar();
          if (char === '\r' || char === '\n') return typed.join('');
          if (char === '\u0003') throw new CommandError('cancelled');
          if (char === '\u0004') {
            if (typed.length === 0) return '';
          } else if (char === '\u007f' || char === '\b') {
            typed.pop();
          } else if (char === '\u0015') {
            typed = [];
          } else if (char >= ' ') {
            typed.push(char);
          }
        }
      } finally {
        output.write('\n');
      }
    },
    close(): void {
      input.removeListener('data', onData);
      input.setRawMode(false);
      input.pause();
    },
  };
}

/** The password typed twice at a terminal; a mismatch is refused rather than stored. */
async function promptNewPassword(input: ReadStream, output: NodeJS.WritableStream): Promise<string> {
  const reader = hiddenLineReader(input, output);
  try {
    const password = await reader.line('Password: ');
    if (password === '') return password;
    if (await reader.line('Repeat password: ') !== password) throw new UsageError('the two passwords do not match');
    return password;
  } finally {
    reader.close();
  }
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
