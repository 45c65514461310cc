// What the runner needs from a server under test: start it with given argon2id parameters and
// get back where it listens, its process id, a user and two clients (first-party and consent).
import type { Argon2Parameters } from '../../src/accounts/password.js';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { BenchClient } from '../client/oidc-client.js';

export interface StartOptions {
  argon2: Argon2Parameters;
  /** Pin the server to core 0 with taskset. */
  pin: boolean;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export interface RunningTarget {
  issuer: string;
  pid: number;
  /** Spawn to first 200 from the discovery endpoint, in milliseconds. */
  startupMs: number;
  /** Skips consent (Gatehouse `--skip-consent`); used by every scenario but `flow`. */
  firstParty: BenchClient;
  /** First-party, authenticating with private_key_jwt (RS256 key in `privateKey`); `flow-sso-pkjwt` uses it. */
  privateKeyJwt: BenchClient;
  /** Asks for consent the first time; `flow` uses it so each operation includes the consent page. */
  consent: BenchClient;
  /** First-party clients registered with id_token_signed_response_alg ES256 and EdDSA (`flow-sso-es256`, `flow-sso-eddsa`). */
  firstPartyByAlg: Record<BenchIdTokenAlg, BenchClient>;
  /**
   * First-party, registered for token exchange (RFC 8693) with `audience`, a registered resource
   * declaring the `profile` scope, as the one audience it may exchange for (`token-exchange`).
   */
  tokenExchange: BenchClient & { audience: string };
  user: { username: string; password: string };
  /** Stops the process and starts it again on the same data (for cold-start samples). */
  restart(): Promise<RunningTarget>;
  stop(): Promise<void>;
}

export interface Target {
  /** Short identifier: gatehouse, reference. */
  name: string;
  /** Human label for the report. */
  label: string;
  start(options: StartOptions): Promise<RunningTarget>;
}

/** The ID token algorithms benchmarked beside RS256. */
export const benchIdTokenAlgs = ['ES256', 'EdDSA'] as const;
export type BenchIdTokenAlg = (typeof benchIdTokenAlgs)[number];

export const benchUser = { username: 'bench', password: 'bench-password' };
export const benchScope = 'openid profile email offline_access';
/** Nobody listens here: the load generator stops at the redirect and reads the code. */
export const benchRedirectUri = 'http://127.0.0.1:9/cb';
/** Where RP-initiated logout returns to (registered for both clients); the generator stops there too. */
export const benchPostLogoutRedirectUri = 'http://127.0.0.1:9/signed-out';
/** The API the token-exchange client may exchange a user's token for (registered on both servers). */
export const benchExchangeAudience = 'https://orders.bench.test/api';
/** The scopes that API declares: an exchanged token carries the subject's scopes cut to these. */
export const benchExchangeAudienceScopes = ['profile'];
export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** An RS256 client key pair for the private_key_jwt client: the private JWK (with kid) and its public JWK Set. */
export async function benchClientKey(): Promise<{ privateKey: JWK; jwks: { keys: JWK[] } }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey: { ...(await exportJWK(privateKey)), kid, alg: 'RS256' }, jwks: { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] } };
}
