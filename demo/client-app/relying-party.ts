// The demo client's side of the Authorization Code flow, all through openid-client v6:
// discovery, PKCE S256 + state + nonce, code exchange with client_secret_basic (ID token
// validated by the library, signature included), refresh with rotation, and revocation (RFC 7009).
import * as client from 'openid-client';
import type { PendingLogin, SignedInUser } from './session-store.js';

export interface RelyingPartyOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  now: () => number;
  /** Registered post_logout_redirect_uri: with it, logging out also ends the Gatehouse session (RP-Initiated Logout 1.0). */
  postLogoutRedirectUri?: string;
  /** openid-client's customFetch hook; the playground records the exchanges through it. */
  customFetch?: client.CustomFetch;
}

export interface RelyingParty {
  /** The authorization server's issuer identifier. */
  readonly issuer: string;
  /** This app's client id: the `aud` of the logout tokens meant for it. */
  readonly clientId: string;
  /** The OP's jwks_uri from discovery, against which logout tokens are verified. */
  jwksUri(): Promise<string>;
  /** Gatehouse's discovery document (OIDC Discovery 1.0 §3). */
  metadata(): Promise<client.ServerMetadata>;
  /** RFC 7662, as this client: is the token still active? */
  introspect(token: string): Promise<{ active: boolean }>;
  /** The authorization URL to send the browser to (seed step 1), and what to remember for the callback. */
  startLogin(): Promise<{ url: URL; state: string; pending: PendingLogin }>;
  /** Validates the callback and exchanges the code (seed steps 4-7). Throws the library's errors. */
  finishLogin(callbackUrl: URL, state: string, pending: PendingLogin): Promise<SignedInUser>;
  /** Trades the refresh token for new tokens; the old refresh token is dead afterwards (rotation). */
  refresh(user: SignedInUser): Promise<SignedInUser>;
  /** RFC 7009; the server answers 200 even for tokens it does not know. */
  revoke(token: string, hint: 'access_token' | 'refresh_token'): Promise<void>;
  /**
   * Where to send the browser so Gatehouse ends its session too (RP-Initiated Logout 1.0 §2):
   * end_session_endpoint with client_id and the registered return address. No id_token_hint: it
   * would put the ID token in the browser's URL, and in this app the browser never holds a token,
   * so Gatehouse asks the user to confirm instead. null when no return address is configured or
   * no end_session_endpoint is advertised.
   */
  endSessionUrl(): Promise<URL | null>;
}

export function createRelyingParty(options: RelyingPartyOptions): RelyingParty {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    discovered ??= client.discovery(
      new URL(options.issuer), options.clientId, { redirect_uris: [options.redirectUri] },
      client.ClientSecretBasic(options.clientSecret),
      // Plain http is only acceptable for a local demo issuer; openid-client refuses it otherwise.
      new URL(options.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
    ).then((config) => {
      // openid-client trusts TLS for code-flow ID tokens by default (OIDC Core §3.1.3.7 (6));
      // the demo checks the JWS signature against the JWKS too, as its pages claim.
      client.enableNonRepudiationChecks(config);
      if (options.customFetch) config[client.customFetch] = options.customFetch;
      return config;
    }, (error: unknown) => {
      discovered = null;
      throw error;
    });
    return discovered;
  };

  function signedInUser(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers, previous?: SignedInUser): SignedInUser {
    const now = options.now();
    const claims = tokens.claims() ?? previous!.claims;
    return {
      claims,
      // The OP session this login belongs to (OIDC Back-Channel Logout 1.0 §2.1): kept from the first ID token.
      sid: previous?.sid ?? (typeof claims.sid === 'string' ? claims.sid : undefined),
      accessToken: tokens.access_token,
      accessTokenExpiresAt: now + (tokens.expiresIn() ?? 300),
      refreshToken: tokens.refresh_token ?? previous?.refreshToken,
      scope: tokens.scope ?? previous?.scope ?? '',
      refreshedAt: previous ? now : undefined,
    };
  }

  return {
    issuer: options.issuer,
    clientId: options.clientId,

    async jwksUri() {
      const uri = (await configuration()).serverMetadata().jwks_uri;
      if (!uri) throw new Error('the issuer advertises no jwks_uri');
      return uri;
    },

    async metadata() {
      return (await configuration()).serverMetadata();
    },

    async introspect(token) {
      return client.tokenIntrospection(await configuration(), token);
    },

    async startLogin() {
      const config = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: options.redirectUri,
        scope: options.scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, pending: { codeVerifier, nonce, startedAt: options.now() } };
    },

    async finishLogin(callbackUrl, state, pending) {
      const tokens = await client.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      }, { redirect_uri: options.redirectUri });
      return signedInUser(tokens);
    },

    async refresh(user) {
      if (!user.refreshToken) throw new Error('no refresh token was issued (scope offline_access not granted)');
      const tokens = await client.refreshTokenGrant(await configuration(), user.refreshToken);
      return signedInUser(tokens, user);
    },

    async revoke(token, hint) {
      await client.tokenRevocation(await configuration(), token, { token_type_hint: hint });
    },

    async endSessionUrl() {
      if (!options.postLogoutRedirectUri) return null;
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return null;
      // buildEndSessionUrl adds client_id, which identifies the client the return address belongs to.
      return client.buildEndSessionUrl(config, { post_logout_redirect_uri: options.postLogoutRedirectUri });
    },
  };
}
