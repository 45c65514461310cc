// The Gatehouse target: prepares a fresh SQLite database with the CLI (a first-party client, a
// consent client, the bench user) under the given argon2id parameters, then runs `start`.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchClient } from '../client/oidc-client.js';
import {
  benchClientKey, benchExchangeAudience, benchExchangeAudienceScopes, benchPostLogoutRedirectUri, benchRedirectUri, benchScope, benchUser, type BenchIdTokenAlg, type RunningTarget, type StartOptions, type Target,
  tokenExchangeGrantType,
} from './target.js';
import { freePort, spawnServer } from './server-process.js';

const run = promisify(execFile);

/** The compiled CLI next to the compiled bench (dist/ or a private .build/ folder). */
export const gatehouseCli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export function gatehouseBuilt(): boolean {
  return existsSync(gatehouseCli);
}

function lastJsonObject(stdout: string): Record<string, unknown> {
  const start = stdout.indexOf('{');
  const end = stdout.lastIndexOf('}');
  if (start === -1 || end < start) throw new Error(`no JSON in CLI output: ${stdout.slice(0, 300)}`);
  return JSON.parse(stdout.slice(start, end + 1)) as Record<string, unknown>;
}

export interface GatehouseTargetOptions {
  name?: string;
  label?: string;
  /** The database for one start; SQLite in the start's temp dir unless given. */
  databaseUrl?: (dir: string) => string;
  /** Removes what databaseUrl created outside the temp dir. */
  dropDatabase?: (databaseUrl: string) => Promise<void>;
}

export function gatehouseTarget(options: GatehouseTargetOptions = {}): Target {
  return {
    name: options.name ?? 'gatehouse',
    label: options.label ?? 'Gatehouse',
    async start(startOptions: StartOptions): Promise<RunningTarget> {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
      const database = options.databaseUrl?.(dir) ?? `sqlite:${join(dir, 'gh.db')}`;
      const configPath = join(dir, 'config.json');
      // PostgreSQL requires a key-encryption key (SQLite generates <db>.kek); the database is this run's alone.
      const keyEncryptionKey = database.startsWith('postgres') ? randomBytes(32).toString('base64') : undefined;
      // Every virtual user signs in from the same loopback address, many at once, and an attempt counts
      // against the login throttle until its password proves right: the limits are lifted so the bench
      // measures the flow, not the throttle (the reference oidc-provider has none).
      const loginThrottle = { loginMaxFailures: 1_000_000_000, loginMaxFailuresPerAddress: 1_000_000_000 };
      writeFileSync(configPath, JSON.stringify({ argon2: startOptions.argon2, keyEncryptionKey, ...loginThrottle }));
      const env = { ...process.env, GATEHOUSE_CONFIG: configPath, GATEHOUSE_LOG_LEVEL: 'warn' };
      const cli = (args: string[]) => run(process.execPath, [gatehouseCli, ...args, '--database', database], { env, timeout: 60_000 });

      const createClient = async (skipConsent: boolean, idTokenAlg?: BenchIdTokenAlg): Promise<BenchClient> => {
        const args = ['client', 'create', '--name', skipConsent ? `bench${idTokenAlg ? `-${idTokenAlg}` : ''}` : 'bench-consent', '--redirect-uri', benchRedirectUri,
          '--post-logout-redirect-uri', benchPostLogoutRedirectUri,
          '--grant-type', 'authorization_code', '--grant-type', 'refresh_token', '--grant-type', 'client_credentials',
          '--scope', benchScope, '--json', ...(skipConsent ? ['--skip-consent'] : []),
          ...(idTokenAlg ? ['--id-token-signed-response-alg', idTokenAlg] : [])];
        const created = lastJsonObject((await cli(args)).stdout);
        if (typeof created.client_id !== 'string' || typeof created.client_secret !== 'string') throw new Error('client create printed no credentials');
        return {
          clientId: created.client_id, clientSecret: created.client_secret, redirectUri: benchRedirectUri, postLogoutRedirectUri: benchPostLogoutRedirectUri,
          ...(idTokenAlg ? { idTokenAlg } : {}),
        };
      };
      const firstParty = await createClient(true);
      const consent = await createClient(false);
      const firstPartyByAlg = { ES256: await createClient(true, 'ES256'), EdDSA: await createClient(true, 'EdDSA') };
      const clientKey = await benchClientKey();
      const jwksFile = join(dir, 'client-jwks.json');
      writeFileSync(jwksFile, JSON.stringify(clientKey.jwks));
      const pkjwt = lastJsonObject((await cli(['client', 'create', '--name', 'bench-private-key-jwt', '--redirect-uri', benchRedirectUri,
        '--post-logout-redirect-uri', benchPostLogoutRedirectUri, '--grant-type', 'authorization_code', '--grant-type', 'refresh_token',
        '--scope', benchScope, '--skip-consent', '--auth-method', 'private_key_jwt', '--jwks-file', jwksFile, '--json'])).stdout);
      if (typeof pkjwt.client_id !== 'string') throw new Error('client create printed no client_id');
      const privateKeyJwt: BenchClient = {
        clientId: pkjwt.client_id, clientSecret: '', privateKey: clientKey.privateKey, redirectUri: benchRedirectUri, postLogoutRedirectUri: benchPostLogoutRedirectUri,
      };
      // Token exchange (RFC 8693, docs/token-exchange.md): a registered resource (JWT access tokens,
      // RS256) and a client whose token_exchange_audiences names it.
      await cli(['resource', 'create', '--identifier', benchExchangeAudience, ...benchExchangeAudienceScopes.flatMap((s) => ['--scope', s]),
        '--token-format', 'jwt', '--no-introspection', '--json']);
      const exchanger = lastJsonObject((await cli(['client', 'create', '--name', 'bench-token-exchange', '--redirect-uri', benchRedirectUri,
        '--post-logout-redirect-uri', benchPostLogoutRedirectUri, '--grant-type', 'authorization_code', '--grant-type', tokenExchangeGrantType,
        '--token-exchange-audience', benchExchangeAudience, '--scope', benchScope, '--skip-consent', '--json'])).stdout);
      if (typeof exchanger.client_id !== 'string' || typeof exchanger.client_secret !== 'string') throw new Error('client create printed no credentials');
      const tokenExchange = {
        clientId: exchanger.client_id, clientSecret: exchanger.client_secret, redirectUri: benchRedirectUri, postLogoutRedirectUri: benchPostLogoutRedirectUri,
        audience: benchExchangeAudience,
      };
      await cli(['user', 'create', '--username', benchUser.username, '--password', benchUser.password]);

      const launch = async (): Promise<RunningTarget> => {
        const port = await freePort();
        const issuer = `http://127.0.0.1:${port}`;
        const server = await spawnServer({
          pin: startOptions.pin,
          port,
          args: [...(startOptions.nodeArgs ?? []), gatehouseCli, 'start', '--port', String(port), '--database', database],
          env: { ...env, GATEHOUSE_ISSUER: issuer, NODE_ENV: 'production' },
        });
        return {
          issuer,
          pid: server.pid,
          startupMs: server.startupMs,
          firstParty,
          privateKeyJwt,
          consent,
          firstPartyByAlg,
          tokenExchange,
          user: benchUser,
          async restart() {
            await server.stop();
            return launch();
          },
          async stop() {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
            await options.dropDatabase?.(database);
          },
        };
      };
      return launch();
    },
  };
}
