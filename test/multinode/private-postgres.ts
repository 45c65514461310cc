// A throwaway PostgreSQL cluster (initdb + pg_ctl in a temp dir, its own port and socket dir,
// trust auth) that a fault test may stop and start without touching the machine's shared server.
// initdb refuses to run as root, so as root every command runs as the `postgres` OS user.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/gatehouse.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** `pg_ctl stop -m fast`: sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (immediately) and deletes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin dir, e.g. /usr/lib/postgresql/15/bin. */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server binaries under ${root} (apt-get install postgresql)`);
  return join(root, newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBin();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    chownSync(dir, uid, gid);
  }
  const pgTool = (tool: string, args: string[], timeout = 30_000) => asRoot
    ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout })
    : run(join(bin, tool), args, { timeout });

  const serverOptions = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', '-c max_connections=40',
    // Durability across a crash is not what this cluster is for; a clean stop still checkpoints.
    '-c fsync=off', '-c full_page_writes=off', '-c shared_buffers=16MB',
  ].join(' ');
  const start = async () => {
    await pgTool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']);
  };
  const destroy = async () => {
    if (existsSync(join(data, 'postmaster.pid'))) await pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], 60_000);
    await start();
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop: async () => { await pgTool('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']); },
    destroy,
  };
}
