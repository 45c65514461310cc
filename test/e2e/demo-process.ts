// Starts the whole demo through the same runner as `npm run demo` (compiled demo/run-demo.js),
// on free ports and a temp data folder, and stops it by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';

export interface RunningDemo {
  appUrl: string;
  issuer: string;
  apiUrl: string;
  /** The demo MCP server's endpoint (its resource identifier). */
  mcpUrl: string;
  username: string;
  password: string;
  dataDir: string;
  /** Everything the runner printed, for failure messages. */
  output(): string;
  stop(): Promise<number | null>;
}


export async function startDemo(extraEnv: Record<string, string> = {}): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
  const [gatehousePort, appPort, apiPort, mcpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const runner = fileURLToPath(new URL('../../demo/run-demo.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [runner], {
    env: {
      ...process.env, DEMO_DATA_DIR: dataDir, DEMO_GATEHOUSE_PORT: String(gatehousePort),
      DEMO_APP_PORT: String(appPort), DEMO_API_PORT: String(apiPort), DEMO_MCP_PORT: String(mcpPort), ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in time:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes('Press Ctrl-C')) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`demo exited (${code}) before it was ready:\n${output}`)); });
  });
  const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(output)?.[1] ?? '';
  return {
    appUrl: /Open (http\S+)/.exec(output)?.[1] ?? '',
    issuer: `http://localhost:${gatehousePort}`,
    apiUrl: `http://localhost:${apiPort}/api/profile`,
    mcpUrl: `http://localhost:${mcpPort}/mcp`,
    username: field('username'),
    password: field('password'),
    dataDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
