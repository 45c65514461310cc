// The reference OpenID Provider for the side-by-side benchmark: oidc-provider 9 on its in-memory
// adapter, configured like Gatehouse (RS256 2048-bit key, plus ES256 and EdDSA keys for the clients
// registered with those id_token_signed_response_alg values, same scopes and lifetimes, refresh
// token rotation, introspection, client credentials, DPoP and PAR, and a minimal RFC 8693 token
// exchange grant from ./token-exchange.ts). Run as `node server.js <settings.json>`.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Provider, { type KoaLikeContext } from 'oidc-provider';
import { createInteractionHandler } from './interactions.js';
import { exchangeExtraClaims, registerTokenExchange, tokenExchangeGrantType } from './token-exchange.js';
import { benchScopes, lifetimes, type ReferenceSettings } from './settings.js';

const settingsPath = process.argv[2];
if (!settingsPath) throw new Error('usage: server.js <settings.json>');
const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as ReferenceSettings;
const firstParty = new Set(settings.clients.filter((c) => c.skipConsent).map((c) => c.clientId));
const { user } = settings;

const provider = new Provider(settings.issuer, {
  clients: settings.clients.map((c) => ({
    client_id: c.clientId,
    ...(c.jwks ? { jwks: c.jwks } : { client_secret: c.clientSecret }),
    redirect_uris: [c.redirectUri],
    post_logout_redirect_uris: [c.postLogoutRedirectUri],
    grant_types: c.tokenExchangeAudience
      ? ['authorization_code', tokenExchangeGrantType]
      : c.jwks ? ['authorization_code', 'refresh_token'] : ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    token_endpoint_auth_method: c.jwks ? 'private_key_jwt' : 'client_secret_basic',
    ...(c.jwks ? { token_endpoint_auth_signing_alg: 'RS256' } : {}),
    scope: benchScopes.join(' '),
    ...(c.idTokenAlg ? { id_token_signed_response_alg: c.idTokenAlg } : {}),
  })),
  jwks: { keys: settings.signingKeys },
  cookies: { keys: [settings.cookieKey] },
  scopes: benchScopes,
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  async findAccount(_ctx: unknown, sub: string) {
    if (sub !== user.sub) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, name: 'Bench User', preferred_username: user.username, email: 'bench@example.test', email_verified: true }),
    };
  },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    userinfo: { enabled: true },
    // RFC 9449 and RFC 9126, as Gatehouse has them: proofs without server nonces, each jti
    // checked against the replay cache; PAR optional for every client.
    dPoP: { enabled: true, allowReplay: false },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
    // RP-initiated logout always asks first; the page is a plain form like Gatehouse's
    // confirmation page, its button inside the form (the default puts it outside).
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx: KoaLikeContext, form: string) {
        const buttons = '<button type="submit" name="logout" value="yes">Yes, sign me out</button><button type="submit">No, stay signed in</button>';
        ctx.type = 'html';
        ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign out</title></head><body><h1>Sign out?</h1>${form.replace('</form>', `${buttons}</form>`)}</body></html>`;
      },
    },
  },
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  // Only exchanged tokens get an extra claim (act); every other token is as before.
  async extraTokenClaims(_ctx: unknown, token: { gty?: string; clientId?: string }) {
    return exchangeExtraClaims(token);
  },
  ttl: lifetimes,
  // The documented recipe for first-party clients: grant the requested scopes without a page.
  async loadExistingGrant(ctx: KoaLikeContext) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
    if (grantId) return oidc.provider.Grant.find(grantId);
    if (firstParty.has(oidc.client.clientId) && oidc.session.accountId) {
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    }
    return undefined;
  },
});

registerTokenExchange(provider, {
  audiences: new Map(settings.clients.filter((c) => c.tokenExchangeAudience).map((c) => [c.clientId, c.tokenExchangeAudience!])),
  resource: { ...settings.exchangeResource, accessTokenTtl: lifetimes.AccessToken },
});

const provide = provider.callback();
const interact = createInteractionHandler(provider, settings);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    interact(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${(error as Error).message}`);
    });
    return;
  }
  provide(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(settings.port, '127.0.0.1');

process.on('SIGTERM', () => server.close(() => process.exit(0)));
