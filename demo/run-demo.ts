// `npm run demo`: starts Gatehouse (embedded SQLite), the protected API and the demo client app,
// registers the demo client and user on first run, prints the one URL to open, and stops all
// three on Ctrl-C or SIGTERM. Ports and the data folder can be overridden by environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoRegistration } from './first-run.js';

const env = process.env;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const cli = here('../src/cli/main.js');
const dataDir = resolve(env.DEMO_DATA_DIR ?? 'data');
const gatehousePort = Number(env.DEMO_GATEHOUSE_PORT ?? 3000);
const appPort = Number(env.DEMO_APP_PORT ?? 4000);
const apiPort = Number(env.DEMO_API_PORT ?? 4001);
const mcpPort = Number(env.DEMO_MCP_PORT ?? 4002);
const issuer = `http://localhost:${gatehousePort}`;
const appUrl = `http://localhost:${appPort}`;
const apiUrl = `http://localhost:${apiPort}/api/profile`;
const mcpUrl = `http://localhost:${mcpPort}/mcp`;
const logLevel = env.DEMO_LOG_LEVEL ?? 'warn';
// Gatehouse reads the same variable (it inherits this environment): the legacy implicit flow is on.
const implicitFlow = ['true', '1'].includes(env.GATEHOUSE_IMPLICIT_FLOW ?? '');

const children = new Map<string, ChildProcess>();
let stopping = false;

function start(name: string, script: string, args: string[], extraEnv: Record<string, string>): void {
  // Own process group: a terminal Ctrl-C reaches only this runner, which then stops each child once, by PID.
  const child = spawn(process.execPath, [script, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.set(name, child);
  const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) stream.write(`[${name}] ${line}\n`);
  };
  child.stdout!.on('data', prefix(process.stdout));
  child.stderr!.on('data', prefix(process.stderr));
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stderr.write(`demo: ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others\n`);
      void stop(1);
    }
  });
}

async function waitUntilUp(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch { /* not listening yet */ }
    if (stopping) throw new Error('stopped while starting');
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not come up in time`);
}

async function stop(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  if (code === 0) process.stdout.write('\nStopping Gatehouse, the API, the MCP server and the demo app...\n');
  const exits = [...children.values()].map((child) => new Promise<void>((done) => {
    const timer = setTimeout(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); }, 5000);
    child.once('exit', () => { clearTimeout(timer); done(); });
    if (child.pid) process.kill(child.pid, 'SIGTERM');
  }));
  await Promise.all(exits);
  process.exit(code);
}

process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
// Last resort if the runner dies some other way: never leave the servers behind.
process.on('exit', () => { for (const child of children.values()) if (child.pid) try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ } });

mkdirSync(dataDir, { recursive: true });
const credentials = await ensureDemoRegistration({
  cli, dataDir, redirectUri: `${appUrl}/callback`, implicitFlow, apiIdentifier: new URL(apiUrl).origin, mcpIdentifier: mcpUrl,
});
// MCP clients register themselves (RFC 7591): the demo's Gatehouse takes open registration,
// limited per client address (docs/registration.md). Written on every start; demo only.
const gatehouseConfig = resolve(dataDir, 'gatehouse.json');
writeFileSync(gatehouseConfig, `${JSON.stringify({ registration: { policy: 'open' } }, null, 2)}\n`);
const demoEnv = {
  DEMO_ISSUER: issuer, DEMO_CLIENT_FILE: resolve(dataDir, 'demo-client.json'), DEMO_LOG_LEVEL: logLevel,
  DEMO_APP_PORT: String(appPort), DEMO_API_PORT: String(apiPort), DEMO_API_URL: apiUrl,
};
// --allow-loopback-fetch: the demo app's back-channel logout endpoint is on this machine, which
// Gatehouse refuses to call by default; this allows loopback (127.0.0.0/8, ::1) and nothing else.
start('gatehouse', cli, ['start', '--port', String(gatehousePort), '--issuer', issuer, '--database', `sqlite:${resolve(dataDir, 'demo.db')}`,
  '--allow-loopback-fetch', '--config', gatehouseConfig], { GATEHOUSE_LOG_LEVEL: env.GATEHOUSE_LOG_LEVEL ?? logLevel });
start('api', here('./api/main.js'), [], demoEnv);
start('app', here('./client-app/main.js'), [], demoEnv);
start('mcp', here('./mcp/main.js'), [], { ...demoEnv, DEMO_MCP_PORT: String(mcpPort), DEMO_MCP_RESOURCE: mcpUrl });

try {
  const deadline = Date.now() + 30_000;
  await Promise.all([
    waitUntilUp(`${issuer}/.well-known/openid-configuration`, deadline),
    waitUntilUp(`http://localhost:${apiPort}/health`, deadline),
    waitUntilUp(`${appUrl}/`, deadline),
    waitUntilUp(`http://localhost:${mcpPort}/health`, deadline),
  ]);
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  await stop(1);
}

process.stdout.write(`
Gatehouse demo is running.

  Open ${appUrl} and log in with
    username: ${credentials.user.username}
    password: ${credentials.user.password}
  (demo mode only: these are stored in ${resolve(dataDir, 'demo-client.json')})

  New here? Start at the playground, ${appUrl}/playground: it draws the seven steps of
  the Authorization Code flow from your own sign-in, and lets you break each rule to see why it exists.
${implicitFlow ? `  The legacy implicit flow is on (GATEHOUSE_IMPLICIT_FLOW): try it side by side from the playground.
` : ''}
  Gatehouse (authorization server): ${issuer}
  Protected API:                    ${apiUrl}
  MCP server (Streamable HTTP):     ${mcpUrl}
    point an MCP client at it: it finds Gatehouse, registers and signs you in (docs/mcp.md)

Press Ctrl-C to stop them all.
`);
