// Measures the ceilings each scenario is compared with, every one pinned to the server core:
// RS256 signatures/s (node:crypto, as Gatehouse signs; jose's for comparison), ES256 and EdDSA
// signatures/s (node:crypto), argon2id
// verifications/s, bare Fastify hello req/s (load from autocannon).
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { pinnedCommand } from '../measure/pinning.js';
import type { CeilingName } from '../scenarios/scenario.js';

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

export type Ceilings = Record<CeilingName, number>;

async function childRate(name: string, durationMs: number, pin: boolean, leading: string[] = []): Promise<number> {
  const { command, args } = pinnedCommand(pin, process.execPath, [script(name), ...leading, String(durationMs)]);
  const { stdout } = await run(command, args, { timeout: durationMs + 60_000 });
  return (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { perSecond: number }).perSecond;
}

async function helloRate(durationMs: number, connections: number, pin: boolean): Promise<number> {
  const { command, args } = pinnedCommand(pin, process.execPath, [script('fastify-hello')]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', () => reject(new Error('fastify hello exited')));
    });
    lines.close();
    const { port } = JSON.parse(first) as { port: number };
    const url = `http://127.0.0.1:${port}`;
    await autocannon({ url, connections, duration: 1 });
    const result = await autocannon({ url, connections, duration: durationMs / 1000 });
    return result.requests.total / result.duration;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function measureCeilings({ durationMs, connections, pin }: { durationMs: number; connections: number; pin: boolean }): Promise<Ceilings> {
  return {
    rs256: await childRate('rs256-sign-native', durationMs, pin),
    rs256Jose: await childRate('rs256-sign', durationMs, pin),
    es256: await childRate('jws-sign-native', durationMs, pin, ['ES256']),
    eddsa: await childRate('jws-sign-native', durationMs, pin, ['EdDSA']),
    argon2: await childRate('argon2-verify', durationMs, pin),
    hello: await helloRate(durationMs, connections, pin),
  };
}
