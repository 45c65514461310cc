// Spawns a server process (pinned when asked), measures its cold start as the time from spawn
// to the first 200 from its discovery document, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import http from 'node:http';
import { pinnedCommand } from '../measure/pinning.js';

export interface ServerProcess {
  pid: number;
  startupMs: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function discoveryStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/.well-known/openid-configuration', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function spawnServer(options: {
  pin: boolean;
  args: string[];
  env?: NodeJS.ProcessEnv;
  port: number;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const { command, args } = pinnedCommand(options.pin, process.execPath, options.args);
  let output = '';
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before serving discovery:\n${output}`);
    }
    if ((await discoveryStatus(options.port)) === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server did not serve discovery within the time limit:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 3));
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.pid === undefined) throw new Error('no pid');
  return { pid: child.pid, startupMs, stop };
}
