// Where a new password comes from: the first line of stdin (kept out of shell history and the
// process list) or, for throwaway setups, --password.
import { UsageError } from './errors.js';

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

/** The password from exactly one of `--password-stdin` and `--password`. */
export async function readPassword(command: string, values: { 'password-stdin'?: boolean | undefined; password?: string | undefined }): Promise<string> {
  const fromStdin = values['password-stdin'] ?? false;
  if (fromStdin && values.password !== undefined) {
    throw new UsageError(`use either --password-stdin or --password, not both (see 'gatehouse ${command} --help')`);
  }
  if (!fromStdin && values.password === undefined) {
    throw new UsageError(`missing password: use --password-stdin or --password (see 'gatehouse ${command} --help')`);
  }
  const password = fromStdin ? await readFirstLine(process.stdin) : (values.password ?? '');
  if (password === '') throw new UsageError(fromStdin ? 'no password on stdin' : 'password must not be empty');
  return password;
}
