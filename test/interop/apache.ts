// Runs Debian's Apache httpd with mod_auth_openidc as a relying party for a test: its own
// ServerRoot, configuration, PID file, logs and port in a temp directory, started and stopped by
// PID (never the system's service or /etc/apache2 sites).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const apacheBinary = process.env.APACHE_BINARY ?? '/usr/sbin/apache2';
export const apacheModules = '/usr/lib/apache2/modules';

/** Why the Apache tests cannot run here, or null when apache2 and mod_auth_openidc are installed. */
export function apacheMissing(): string | null {
  if (!existsSync(apacheBinary)) return `${apacheBinary} is missing: apt-get install -y apache2 libapache2-mod-auth-openidc`;
  if (!existsSync(join(apacheModules, 'mod_auth_openidc.so'))) {
    return `${apacheModules}/mod_auth_openidc.so is missing: apt-get install -y libapache2-mod-auth-openidc`;
  }
  return null;
}

export interface RunningApache {
  origin: string;
  dir: string;
  /** The access log so far (method, path without query, status: codes never land in it). */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

export interface ApacheSite {
  port: number;
  /** Directives for the server (mod_auth_openidc's configuration, Locations), given the server root. */
  directives: (serverRoot: string) => string;
  /** Files under the document root, relative path → content. */
  documents?: Record<string, string>;
  /** CGI scripts under cgi-bin/, name → content; they are served at /cgi-bin/<name> unless aliased. */
  scripts?: Record<string, string>;
}

const modules = ['mpm_prefork', 'authn_core', 'authz_core', 'authz_user', 'mime', 'alias', 'cgi', 'headers', 'env', 'auth_openidc'];

/**
 * Writes the configuration, starts `apache2 -f <conf> -DFOREGROUND` and waits until it serves
 * (up to 60 s; fails at once, with its error log, if it exits).
 */
export async function startApache(site: ApacheSite): Promise<RunningApache> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-apache-'));
  for (const sub of ['htdocs', 'cgi-bin', 'logs', 'run']) mkdirSync(join(dir, sub));
  // Run as root (CI), Apache's children drop to www-data, who must read the documents and scripts.
  for (const sub of ['', 'htdocs', 'cgi-bin']) chmodSync(join(dir, sub), 0o755);
  const documents = { 'ready.html': 'ready\n', ...site.documents };
  for (const [name, content] of Object.entries(documents)) writeFileSync(join(dir, 'htdocs', name), content, { mode: 0o644 });
  for (const [name, content] of Object.entries(site.scripts ?? {})) writeFileSync(join(dir, 'cgi-bin', name), content, { mode: 0o755 });
  const asRoot = process.getuid?.() === 0;
  const conf = [
    `ServerRoot "${dir}"`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${site.port}`,
    `PidFile "${dir}/run/httpd.pid"`,
    `DefaultRuntimeDir "${dir}/run"`,
    `Mutex file:${dir}/run default`,
    `ErrorLog "${dir}/logs/error.log"`,
    'LogLevel warn',
    // %U: the path without the query, so authorization codes stay out of the log.
    'LogFormat "%m %U %>s" short',
    `CustomLog "${dir}/logs/access.log" short`,
    ...modules.map((name) => `LoadModule ${name}_module ${apacheModules}/mod_${name}.so`),
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    'StartServers 1', 'MinSpareServers 1', 'MaxSpareServers 3',
    'TypesConfig /etc/mime.types',
    `DocumentRoot "${dir}/htdocs"`,
    `<Directory "${dir}/cgi-bin">`, '  Options +ExecCGI', '</Directory>',
    site.directives(dir),
    '',
  ].join('\n');
  // The configuration holds the client secret and the crypto passphrase: only the parent reads it.
  writeFileSync(join(dir, 'httpd.conf'), conf, { mode: 0o600 });

  // Its own process group (detached): prefork's shutdown signals the whole group it runs in, which
  // would otherwise be the test runner's.
  const child: ChildProcess = spawn(apacheBinary, ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/bin', LANG: 'C' }, detached: true,
  });
  // Should the test process end without stop(), the server and its children go with it.
  const orphanGuard = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ } };
  process.once('exit', orphanGuard);
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const read = (name: string) => (existsSync(join(dir, 'logs', name)) ? readFileSync(join(dir, 'logs', name), 'utf8') : '');
  const origin = `http://127.0.0.1:${site.port}`;

  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone) throw new Error(`apache2 exited before serving:\n${output}\n${read('error.log')}`);
    const ready = await fetch(`${origin}/ready.html`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`apache2 did not serve within 60 s:\n${output}\n${read('error.log')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    origin, dir,
    accessLog: () => read('access.log'),
    errorLog: () => read('error.log'),
    async stop() {
      process.removeListener('exit', orphanGuard);
      if (!gone) {
        // SIGTERM to the parent (by its PID) stops its children too; SIGKILL only after a minute.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
