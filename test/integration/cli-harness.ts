// Runs the compiled `gatehouse` command as a child process against a throwaway SQLite file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

/** The compiled bin, found next to this compiled test whatever the output folder is. */
export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without any GATEHOUSE_* variable, so the developer's shell cannot leak in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_')));
  return { ...env, ...extra };
}

export function runCli(args: string[], options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: cleanEnv(options.env), stdio: 'pipe', cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** A failure is exactly one `gatehouse: …` line on stderr, the given exit code, and no stack trace. */
export function assertOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one stderr line, got: ${result.stderr}`);
  assert.match(lines[0] ?? '', /^gatehouse: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

/** A fresh temp dir holding `db`; `database` is its URL for --database. */
export function tempDatabase(): { dir: string; file: string; database: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
  const file = join(dir, 'db');
  return { dir, file, database: `sqlite:${file}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses stdout as exactly one JSON value (trailing text would fail). */
export function parseJson<T>(result: CliResult): T {
  assert.equal(result.code, 0, `exit code (stderr: ${result.stderr})`);
  return JSON.parse(result.stdout) as T;
}

/** `client create --json` output (RFC 7591 §3.2.1 names); `client_secret` only when one was made. */
export interface ClientJson {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
}
