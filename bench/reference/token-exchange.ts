// oidc-provider has no RFC 8693 grant: the reference registers a minimal one
// (provider.registerGrantType) with Gatehouse's rules (docs/token-exchange.md), so the
// `token-exchange` row compares like with like: an authenticated client; a live access token of
// this server as subject_token; exactly one audience (or resource), which must be the one the
// client may exchange for; scopes ⊆ the subject token's, cut to the resource's (`invalid_scope`
// if none is left); a JWT access token for that resource, signed RS256 like Gatehouse's, keeping
// the subject's grant, session and account, with `act` naming the client (delegation, §4.1);
// no refresh token. Actor tokens and ID tokens as subject tokens are not implemented here
// (the bench sends neither).
import Provider, { errors, type KoaLikeContext } from 'oidc-provider';

export const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

export interface ExchangePolicy {
  /** client_id → the one audience it may exchange tokens for. */
  audiences: Map<string, string>;
  /** The resource: its identifier and declared scopes. */
  resource: { identifier: string; scopes: string[]; accessTokenTtl: number };
}

interface ExchangeContext {
  oidc: {
    params: Record<string, string | undefined>;
    client: { clientId: string; clientAuthMethod: string };
    provider: Provider;
  };
  body?: unknown;
}

/** An RFC 6749 §5.2 error, rendered by oidc-provider like its own (400, error, error_description). */
const oauthError = (error: string, description: string): Error => new errors.CustomOIDCProviderError(error, description);

/**
 * For the provider's extraTokenClaims (which sets every token's extra claims when it is saved):
 * an exchanged token names the exchanging client as its actor (RFC 8693 §4.1, delegation).
 */
export function exchangeExtraClaims(token: { gty?: string; clientId?: string }): Record<string, unknown> | undefined {
  if (token.gty !== tokenExchangeGrantType || !token.clientId) return undefined;
  return { act: { sub: token.clientId, client_id: token.clientId } };
}

export function registerTokenExchange(provider: Provider, policy: ExchangePolicy): void {
  const resourceScopes = new Set(policy.resource.scopes);
  provider.registerGrantType(tokenExchangeGrantType, async (koa: KoaLikeContext) => {
    const ctx = koa as unknown as ExchangeContext;
    const { params, client } = ctx.oidc;
    if (client.clientAuthMethod === 'none') throw oauthError('unauthorized_client', 'token exchange needs an authenticated client');
    if (!params.subject_token) throw oauthError('invalid_request', 'subject_token is missing');
    if (params.subject_token_type !== accessTokenType) throw oauthError('invalid_request', `subject_token_type must be ${accessTokenType}`);
    if (params.actor_token !== undefined || params.actor_token_type !== undefined) throw oauthError('invalid_request', 'actor tokens are not supported by the reference');
    if (params.requested_token_type !== undefined && params.requested_token_type !== accessTokenType) {
      throw oauthError('invalid_request', `requested_token_type must be ${accessTokenType}`);
    }
    const subject = await provider.AccessToken.find(params.subject_token);
    if (!subject) throw oauthError('invalid_grant', 'the subject_token is not a live access token issued here');

    const requestedAudiences = [params.audience, params.resource].filter((v): v is string => v !== undefined).flatMap((v) => v.split(' ')).filter(Boolean);
    const audiences = [...new Set(requestedAudiences)];
    if (audiences.length !== 1) throw oauthError('invalid_target', 'name exactly one resource (resource or audience) to exchange the token for');
    if (policy.audiences.get(client.clientId) !== audiences[0] || audiences[0] !== policy.resource.identifier) {
      throw oauthError('invalid_target', 'the client\'s token exchange policy does not permit this audience');
    }

    const subjectScopes = (subject.scope ?? '').split(' ').filter(Boolean);
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    if (requested.some((s) => !subjectScopes.includes(s))) throw oauthError('invalid_scope', 'a requested scope is wider than the subject token\'s');
    const scopes = (requested.length > 0 ? requested : subjectScopes).filter((s) => resourceScopes.has(s));
    if (scopes.length === 0) throw oauthError('invalid_scope', 'none of the granted scopes is one the resource declares');

    const exchangingClient = await provider.Client.find(client.clientId);
    const token = new provider.AccessToken({
      accountId: subject.accountId,
      client: exchangingClient,
      grantId: subject.grantId,
      gty: tokenExchangeGrantType,
      scope: scopes.join(' '),
      sid: subject.sid,
      sessionUid: subject.sessionUid,
      expiresWithSession: subject.expiresWithSession,
    });
    token.resourceServer = new provider.ResourceServer(policy.resource.identifier, {
      audience: policy.resource.identifier,
      scope: policy.resource.scopes.join(' '),
      accessTokenFormat: 'jwt',
      accessTokenTTL: policy.resource.accessTokenTtl,
      jwt: { sign: { alg: 'RS256' } },
    });
    const value = await token.save();
    ctx.body = {
      access_token: value,
      issued_token_type: accessTokenType,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope: token.scope,
    };
  }, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope'], ['audience', 'resource']);
}
