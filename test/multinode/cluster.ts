// N real Gatehouse processes (`gatehouse start`) sharing one PostgreSQL schema and, optionally,
// one Redis key prefix — the scale-out deployment of docs/deployment.md, on 127.0.0.1.
//
// The issuer is ONE URL for every node: it is the public address clients see (the load
// balancer's in production), and it is written into `iss` claims, discovery and RFC 9207
// responses, so nodes with different issuers would mint tokens that the others' clients
// reject. Without a load balancer the tests use node A's URL; with nginx, nginx's URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigInput } from '../../src/config/schema.js';
import pg from 'pg';
import { freePort, testKeyEncryptionKey } from '../support/gatehouse.js';
import { deleteRedisKeys, postgresUrl, redisUrl, uniqueKeyPrefix, uniqueSchema } from '../storage-contract/postgres-fixture.js';

/** The compiled CLI beside this compiled file: <out>/test/multinode -> <out>/src/cli/main.js. */
export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ClusterOptions {
  /** How many nodes (default 3). */
  nodes?: number;
  /** Put short-lived records in Redis under a prefix unique to this cluster. */
  redis?: boolean;
  /** The issuer every node uses; default node A's URL. */
  issuer?: string;
  /** PostgreSQL server URL without schema (default the machine's shared test server). */
  postgresUrl?: string;
  /** Extra options written into the shared config file (e.g. keyCacheTtl, trustProxy). */
  config?: Partial<ConfigInput>;
}

export interface ClusterNode {
  index: number;
  /** Direct address of this node, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  child: ChildProcess;
  alive(): boolean;
  /** The last lines the process wrote, for failure messages. */
  output(): string;
}

export interface Cluster {
  issuer: string;
  schema: string;
  databaseUrl: string;
  redisKeyPrefix: string | undefined;
  /** The JSON config file every node (and `cli`) reads through GATEHOUSE_CONFIG. */
  configFile: string;
  nodes: ClusterNode[];
  /** Runs `gatehouse <args>` with the cluster's configuration. */
  cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGKILL: the node dies mid-request, as on a machine failure. */
  kill(index: number): Promise<void>;
  /** SIGTERM every live node, wait for them, drop the schema and the Redis keys. */
  stop(): Promise<void>;
}

// Cheap hashing keeps logins fast on a 2-core machine; the cost is carried by each hash anyway.
const testArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
// Deadlines only against a hang: readiness is polled (and a node that exits fails at once), so
// on an idle machine these cost nothing, and a 2-core machine shared with other work is slow.
const startTimeoutMs = 120_000;
const stopTimeoutMs = 60_000;
const cliTimeoutMs = 120_000;

const running = new Set<ChildProcess>();
// A crashed test must not leave servers behind: kill what this process started, by PID.
process.once('exit', () => { for (const child of running) if (child.exitCode === null) child.kill('SIGKILL'); });

/** The environment for children: ours minus GATEHOUSE_* (which would override the config file). */
function childEnvironment(configFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GATEHOUSE_')) env[name] = value;
  return { ...env, GATEHOUSE_CONFIG: configFile };
}

/** Drops the cluster's schema on the server it lives on (the shared one or a private one). */
async function dropSchema(serverUrl: string, schema: string): Promise<void> {
  if (!/^gh_test_[0-9a-f]+$/.test(schema)) throw new Error(`refusing to drop ${schema}`);
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Resolves when the node answers /healthz with 200; rejects at once when it exits, or after the
 * generous deadline. Each probe may take as long as it needs up to the deadline: a loaded
 * machine answers slowly, and a probe cut short would only be repeated.
 */
async function waitHealthy(node: ClusterNode): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let exitedEarly: (() => void) | undefined;
  const exit = new Promise<'exited'>((resolve) => {
    exitedEarly = () => resolve('exited');
    node.child.once('exit', exitedEarly);
  });
  try {
    while (Date.now() < deadline) {
      if (!node.alive()) break;
      const probe = fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) })
        .then((response) => response.status, () => 0);
      const outcome = await Promise.race([probe, exit]);
      if (outcome === 'exited') break;
      if (outcome === 200) return;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), exit]);
    }
  } finally {
    node.child.off('exit', exitedEarly!);
  }
  if (!node.alive()) throw new Error(`node ${node.index} exited during start:\n${node.output()}`);
  throw new Error(`node ${node.index} not healthy after ${startTimeoutMs} ms:\n${node.output()}`);
}

function spawnNode(index: number, port: number, configFile: string): ClusterNode {
  const child = spawn(process.execPath, [cliPath, 'start', '--port', String(port), '--host', '127.0.0.1'], {
    env: childEnvironment(configFile), stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    index, port, child, url: `http://127.0.0.1:${port}`,
    alive: () => child.exitCode === null && child.signalCode === null,
    output: () => lines.join('\n'),
  };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.nodes ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cluster-'));
  const schema = uniqueSchema();
  const serverUrl = options.postgresUrl ?? postgresUrl;
  const databaseUrl = new URL(serverUrl);
  databaseUrl.searchParams.set('schema', schema);
  const redisKeyPrefix = options.redis ? uniqueKeyPrefix() : undefined;
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const issuer = options.issuer ?? `http://127.0.0.1:${ports[0]}`;

  const configFile = join(dir, 'gatehouse.json');
  writeFileSync(configFile, JSON.stringify({
    issuer, databaseUrl: databaseUrl.toString(), databasePoolSize: 4, logLevel: 'warn', argon2: testArgon2,
    keyEncryptionKey: testKeyEncryptionKey,
    purgeInterval: 3600,
    ...(redisKeyPrefix ? { redisUrl, redisKeyPrefix } : {}),
    ...options.config,
  }, null, 2));

  const nodes: ClusterNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map(async (node) => {
      if (!node.alive()) return;
      node.child.kill('SIGTERM');
      const timer = setTimeout(() => node.child.kill('SIGKILL'), stopTimeoutMs);
      await exited(node.child);
      clearTimeout(timer);
    }));
    try {
      await dropSchema(serverUrl, schema);
      if (redisKeyPrefix) await deleteRedisKeys(redisKeyPrefix);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    // Nodes start together: the advisory-locked migration must cope with that (issue 4).
    for (let i = 0; i < count; i++) nodes.push(spawnNode(i, ports[i]!, configFile));
    await Promise.all(nodes.map(waitHealthy));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    issuer, schema, databaseUrl: databaseUrl.toString(), redisKeyPrefix, configFile, nodes, stop,
    async kill(index) {
      const node = nodes[index]!;
      node.child.kill('SIGKILL');
      await exited(node.child);
    },
    cli(args) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cliPath, ...args], { env: childEnvironment(configFile), stdio: ['ignore', 'pipe', 'pipe'] });
        running.add(child);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
        const timer = setTimeout(() => child.kill('SIGKILL'), cliTimeoutMs);
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          running.delete(child);
          resolve({ code, stdout, stderr });
        });
      });
    },
  };
}
