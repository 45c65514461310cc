// Runs nginx with a copy of deploy/nginx/gatehouse.conf re-aimed at a test's nodes and port: a
// foreground child process (daemon off) in a temp prefix, stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipped config, found by walking up from this compiled file (dist/ or .build/<name>/). */
function shippedConfig(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++, dir = dirname(dir)) {
    const path = join(dir, 'deploy', 'nginx', 'gatehouse.conf');
    if (existsSync(path)) return path;
  }
  throw new Error('deploy/nginx/gatehouse.conf not found above the compiled tests');
}

/** The shipped config with the test's upstream nodes and listen address; everything else as shipped. */
export function renderGatehouseConf(nodes: string[], port: number): string {
  const shipped = readFileSync(shippedConfig(), 'utf8');
  const servers = [...shipped.matchAll(/^(\s*)server 127\.0\.0\.1:\d+( [^;]*)?;$/gm)];
  if (servers.length === 0) throw new Error('no upstream server lines in gatehouse.conf');
  const [indent, parameters] = [servers[0]![1]!, servers[0]![2] ?? ''];
  const upstream = nodes.map((node) => `${indent}server ${new URL(node).host}${parameters};`).join('\n');
  const rendered = shipped
    .replace(servers.map((m) => m[0]).join('\n'), upstream)
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`);
  if (!rendered.includes(`listen 127.0.0.1:${port};`) || !rendered.includes(upstream)) {
    throw new Error('gatehouse.conf no longer has the lines the test rewrites (upstream servers, listen 80)');
  }
  return rendered;
}

export interface Nginx {
  url: string;
  /** Access log lines: "<method> <uri> <status> <upstream address(es)>". */
  accessLog(): string[];
  stop(): Promise<void>;
}

function nginxBinary(): string {
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}

export async function startNginx(nodes: string[], port: number): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'));
  // Workers may run as an unprivileged user; they only need to traverse into the temp paths.
  chmodSync(prefix, 0o755);
  writeFileSync(join(prefix, 'gatehouse.conf'), renderGatehouseConf(nodes, port));
  const main = join(prefix, 'nginx.conf');
  writeFileSync(main, `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  log_format upstream '$request_method $uri $status $upstream_addr';
  access_log ${prefix}/access.log upstream;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/gatehouse.conf;
}
`);
  const child: ChildProcess = spawn(nginxBinary(), ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', main], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const spawnError = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`cannot run nginx (apt-get install nginx-light): ${error.message}`))));
  process.once('exit', () => { if (child.exitCode === null) child.kill('SIGKILL'); });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(prefix, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    // Polled until it answers; the deadline only guards against a hang on a loaded machine.
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${output}${readLog(join(prefix, 'error.log'))}`);
      try {
        if ((await fetch(`${url}/.well-known/openid-configuration`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nginx not ready on ${url}: ${readLog(join(prefix, 'error.log'))}`);
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, accessLog: () => readLog(join(prefix, 'access.log')).split('\n').filter(Boolean) };
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
