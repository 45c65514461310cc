// The reference target: oidc-provider started from bench/reference/server.js with settings equal
// to Gatehouse's and the bench user's password hashed with the same argon2id parameters.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, calculateJwkThumbprint } from 'jose';
import { hashPassword } from '../../src/accounts/password.js';
import type { ReferenceClient, ReferenceSettings } from '../reference/settings.js';
import {
  benchClientKey, benchExchangeAudience, benchExchangeAudienceScopes, benchIdTokenAlgs, benchPostLogoutRedirectUri, benchRedirectUri, benchUser, type BenchIdTokenAlg, type RunningTarget, type StartOptions, type Target,
} from './target.js';
import { freePort, spawnServer } from './server-process.js';

const serverScript = fileURLToPath(new URL('../reference/server.js', import.meta.url));

async function signingKey(alg: 'RS256' | BenchIdTokenAlg) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength: 2048, extractable: true });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

const client = (skipConsent: boolean, idTokenAlg?: BenchIdTokenAlg): ReferenceClient => ({
  clientId: `bench-${skipConsent ? 'first-party' : 'consent'}${idTokenAlg ? `-${idTokenAlg}` : ''}-${randomBytes(4).toString('hex')}`,
  clientSecret: randomBytes(32).toString('base64url'),
  redirectUri: benchRedirectUri,
  postLogoutRedirectUri: benchPostLogoutRedirectUri,
  skipConsent,
  ...(idTokenAlg ? { idTokenAlg } : {}),
});

export const referenceTarget: Target = {
  name: 'reference',
  label: 'oidc-provider',
  async start(options: StartOptions): Promise<RunningTarget> {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-ref-'));
    const port = await freePort();
    const clientKey = await benchClientKey();
    const tokenExchangeClient: ReferenceClient = {
      ...client(true), clientId: `bench-token-exchange-${randomBytes(4).toString('hex')}`, tokenExchangeAudience: benchExchangeAudience,
    };
    const privateKeyJwtClient = { ...client(true), clientId: `bench-private-key-jwt-${randomBytes(4).toString('hex')}`, clientSecret: '', ...clientKey };
    const settings: ReferenceSettings = {
      port,
      issuer: `http://127.0.0.1:${port}`,
      signingKeys: [await signingKey('RS256'), ...await Promise.all(benchIdTokenAlgs.map((alg) => signingKey(alg)))],
      cookieKey: randomBytes(32).toString('base64url'),
      clients: [client(true), client(false), ...benchIdTokenAlgs.map((alg) => client(true, alg)), privateKeyJwtClient, tokenExchangeClient],
      user: { sub: 'bench-user', username: benchUser.username, passwordHash: await hashPassword(benchUser.password, options.argon2) },
      exchangeResource: { identifier: benchExchangeAudience, scopes: benchExchangeAudienceScopes },
    };
    const settingsPath = join(dir, 'settings.json');
    writeFileSync(settingsPath, JSON.stringify(settings));

    const launch = async (): Promise<RunningTarget> => {
      const server = await spawnServer({
        pin: options.pin,
        port,
        args: [...(options.nodeArgs ?? []), serverScript, settingsPath],
        env: { NODE_ENV: 'production' },
      });
      const [firstParty, consent, es256, eddsa, privateKeyJwt] = settings.clients;
      if (!firstParty || !consent || !es256 || !eddsa || !privateKeyJwt) throw new Error('clients missing');
      return {
        issuer: settings.issuer,
        pid: server.pid,
        startupMs: server.startupMs,
        firstParty,
        privateKeyJwt,
        consent,
        firstPartyByAlg: { ES256: es256, EdDSA: eddsa },
        tokenExchange: { ...tokenExchangeClient, audience: benchExchangeAudience },
        user: benchUser,
        async restart() {
          await server.stop();
          return launch();
        },
        async stop() {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    };
    return launch();
  },
};
