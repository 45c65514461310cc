// What the runner hands the reference server: equal settings to Gatehouse's defaults
// (token lifetimes, scopes, one signing key per benchmarked algorithm, argon2id user), written to a JSON file.
import type { JWK } from 'jose';

export interface ReferenceClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** First-party clients skip the consent page, as Gatehouse's `--skip-consent`. */
  skipConsent: boolean;
  /** id_token_signed_response_alg; absent: RS256, oidc-provider's default as Gatehouse's. */
  idTokenAlg?: string;
  /** A private_key_jwt client's public keys (its clientSecret is then unused). */
  jwks?: { keys: JWK[] };
  /** The matching private key, for the load generator only (the server never reads it). */
  privateKey?: JWK;
  /** The one audience this client may exchange tokens for (RFC 8693, bench/reference/token-exchange.ts). */
  tokenExchangeAudience?: string;
}

export interface ReferenceSettings {
  port: number;
  issuer: string;
  /** RS256 (2048-bit RSA), ES256 (P-256) and EdDSA (Ed25519) private JWKs, as Gatehouse's key set holds. */
  signingKeys: JWK[];
  cookieKey: string;
  clients: ReferenceClient[];
  user: { sub: string; username: string; passwordHash: string };
  /** The API token exchange issues for: identifier and declared scopes (Gatehouse's `resource create`). */
  exchangeResource: { identifier: string; scopes: string[] };
}

/** Gatehouse's defaults from src/config/schema.ts, in seconds. */
export const lifetimes = {
  AuthorizationCode: 60,
  AccessToken: 3600,
  ClientCredentials: 3600,
  IdToken: 3600,
  RefreshToken: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
  Interaction: 600,
  Session: 24 * 3600,
} as const;

export const benchScopes = ['openid', 'profile', 'email', 'offline_access'];
