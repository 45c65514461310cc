// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693 §2): a client trades a
// token it holds (subject_token, optionally with an actor_token) for an access token for one
// registered resource its exchange policy names. The result only narrows: scopes ⊆ the subject
// token's ∩ the resource's (a trusted issuer's JWT: its `scope` claim), the subject token's grant and session carry over (revoking or
// logging out of the original revokes the exchanged token too), and every exchange is logged.
import { randomToken } from '../../lib/random.js';
import { OAuthError } from '../errors.js';
import { parseScope, requireAllowedScopes } from '../scope.js';
import { mintTokens, type TokenResponse } from '../issue-tokens.js';
import type { AuthenticatedRequest } from '../request.js';
import { findResources, normalizeResourceIdentifier, scopesForResource } from '../resource-indicator.js';
import {
  actClaim, checkRequestedTokenType, exchangeAudience, resolveExchangedToken, tokenExchangeGrantType, tokenTypes,
} from '../token-exchange.js';
import type { GrantDeps } from './index.js';

export const grantType = tokenExchangeGrantType;

export async function handle(request: AuthenticatedRequest, deps: GrantDeps): Promise<TokenResponse & { issued_token_type: string }> {
  const { params, client } = request;
  if (request.clientAuthMethod === 'none') throw new OAuthError('unauthorized_client', 'token exchange needs an authenticated client');
  if (!params.subject_token) throw new OAuthError('invalid_request', 'subject_token is missing');
  if (!params.subject_token_type) throw new OAuthError('invalid_request', 'subject_token_type is missing');
  if ((params.actor_token === undefined) !== (params.actor_token_type === undefined)) {
    throw new OAuthError('invalid_request', 'actor_token and actor_token_type go together (RFC 8693 §2.1)');
  }
  checkRequestedTokenType(params.requested_token_type);
  const now = deps.clock();
  const tokenDeps = {
    issuer: deps.policy.issuer, tokens: deps.storage.tokens, keys: deps.keys, now,
    subjectFor: deps.subjects.subjectFor.bind(deps.subjects), clientOf: (id: string) => deps.storage.clients.find(id),
    trustedIssuers: deps.trustedIssuers,
  };
  const subject = await resolveExchangedToken(params.subject_token, params.subject_token_type, client, tokenDeps, 'subject_token');
  const actor = params.actor_token !== undefined
    ? await resolveExchangedToken(params.actor_token, params.actor_token_type, client, tokenDeps, 'actor_token')
    : null;

  const audience = exchangeAudience(params, client, (value) => {
    try {
      return normalizeResourceIdentifier(value);
    } catch {
      throw new OAuthError('invalid_target', 'the resource or audience must be an absolute URI without a fragment');
    }
  });
  const [resource] = await findResources([audience], deps.storage.resources);
  // §2.1: a narrower scope may be asked for, never a wider one than the subject token's.
  const requested = parseScope(params.scope);
  const scopes = requested.length > 0 ? requireAllowedScopes(requested, subject.scopes) : subject.scopes;
  const accessTokenScopes = scopesForResource(scopes, resource!);
  const act = actClaim(client, subject, actor);

  let grantId = subject.grantId;
  if (grantId === null) {
    // An ID token has no grant of ours: the exchange gets its own, so it can be revoked.
    grantId = `tx:${randomToken(16)}`;
    await deps.storage.grants.insert({ grantId, accountId: subject.accountId, clientId: client.clientId, scopes, sid: subject.sid, createdAt: now, revokedAt: null });
  }
  const minted = await mintTokens({
    grantId, client, accountId: subject.accountId, scopes, authTime: subject.authTime, nonce: null, sid: subject.sid,
    refreshToken: false, idToken: false, now, resource: resource!, accessTokenScopes, act, dpopJkt: request.dpopJkt ?? null,
    subject: subject.subject,
  }, deps);
  await deps.storage.tokens.insert(minted.records);
  // Every exchange is audited (who traded what for what); never the tokens themselves.
  deps.logger.info({
    event: 'token_exchange', clientId: client.clientId, accountId: subject.accountId, subject: subject.subject, audience, scopes: accessTokenScopes,
    subjectTokenType: params.subject_token_type, actor: act ? act.sub : null, impersonation: act === null,
  }, 'token exchanged');
  return { ...minted.response, issued_token_type: tokenTypes.accessToken };
}
