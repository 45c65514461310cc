// OpenID Connect RP-Initiated Logout 1.0: validates a logout request (§2), decides whether the
// user must confirm it (§2, §6: a logout the OP cannot tie to the signed-in user is asked about,
// so a link on another site cannot sign people out silently), and builds the redirect back to
// the client (§3). Any problem is an OAuthError the endpoint shows as a page, never a redirect.
// Ending the session itself is oauth/lifecycle.ts's `endSession`.
import { OAuthError } from '../oauth/errors.js';
import type { ClientResolver } from '../oauth/client-resolver.js';
import type { ClientRecord, SessionRecord } from '../storage/records.js';

/** What a verified id_token_hint says: signed by us, issued by us; accepted even when expired (§2). */
export interface LogoutHint {
  sub: string;
  /** The token's audiences; the first is the client it was issued to. */
  aud: string[];
  /** The session it was issued in, when it names one. */
  sid: string | null;
}

/** null when the token is not an ID token this server signed for this issuer. */
export type LogoutHintVerifier = (idToken: string) => Promise<LogoutHint | null>;

export interface LogoutRequest {
  /** The client the logout is for: from client_id, else from the hint's audience. */
  client: ClientRecord | null;
  hint: LogoutHint | null;
  logoutHint: string | null;
  /** Exactly one of the client's registered post_logout_redirect_uris, or null (§3). */
  postLogoutRedirectUri: string | null;
  state: string | null;
  /** Preferred languages for the pages, most preferred first (§2 ui_locales). */
  uiLocales: string[];
  /** The request's parameters as given, for the confirmation form to send back. */
  params: Record<string, string>;
}

/** The parameters of §2 that the confirmation form carries back. */
export const logoutParameters = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const;

export interface EndSessionDeps {
  clients: ClientResolver;
  verifyHint: LogoutHintVerifier;
}

/**
 * RP-Initiated Logout 1.0 §2-3, in order: no repeated parameter; the id_token_hint, if given, is
 * ours; client_id, if given, is a known client and one of the hint's audiences; a
 * post_logout_redirect_uri needs an identified client and is one of its registered ones, exactly.
 */
export async function validateLogoutRequest(
  params: Record<string, string>, duplicated: readonly string[], deps: EndSessionDeps,
): Promise<LogoutRequest> {
  const repeated = duplicated.find((name) => (logoutParameters as readonly string[]).includes(name));
  if (repeated) throw new OAuthError('invalid_request', `the ${repeated} parameter was given more than once`);

  let hint: LogoutHint | null = null;
  if (params.id_token_hint) {
    hint = await deps.verifyHint(params.id_token_hint);
    if (!hint) throw new OAuthError('invalid_request', 'id_token_hint is not an ID token issued by this server');
  }

  let client: ClientRecord | null = null;
  if (params.client_id) {
    client = await deps.clients.find(params.client_id);
    if (!client) throw new OAuthError('invalid_request', 'client_id names no registered client');
    // §2: when both are given, the hint must have been issued to this client.
    if (hint && !hint.aud.includes(client.clientId)) {
      throw new OAuthError('invalid_request', 'client_id does not match the audience of id_token_hint');
    }
  } else if (hint?.aud[0]) {
    client = await deps.clients.find(hint.aud[0]);
  }

  let postLogoutRedirectUri: string | null = null;
  if (params.post_logout_redirect_uri) {
    // §3: the URI must have been registered for the client, which must therefore be identified.
    if (!client) throw new OAuthError('invalid_request', 'post_logout_redirect_uri needs id_token_hint or client_id to identify the client');
    if (!client.postLogoutRedirectUris.includes(params.post_logout_redirect_uri)) {
      throw new OAuthError('invalid_request', 'post_logout_redirect_uri is not registered for this client');
    }
    postLogoutRedirectUri = params.post_logout_redirect_uri;
  }

  const kept: Record<string, string> = {};
  for (const name of logoutParameters) if (params[name]) kept[name] = params[name];
  return {
    client, hint, postLogoutRedirectUri,
    logoutHint: params.logout_hint || null,
    state: params.state ?? null,
    uiLocales: (params.ui_locales ?? '').split(' ').filter((tag) => tag !== ''),
    params: kept,
  };
}

/**
 * §2, §6: ending the session without asking is allowed only when the request names the signed-in
 * user — an id_token_hint whose `sub` is the session's account, from this very session when the
 * hint names one — and a logout_hint, if any, does not name somebody else. With no session there
 * is nothing to end and nothing to ask. `hintSubject` is the `sub` the hint's client knows the
 * session's account by (a pairwise one, OIDC Core §8.1); by default the account id.
 */
export function logoutNeedsConfirmation(
  request: LogoutRequest, session: SessionRecord | null, signedInUsername: string | null,
  hintSubject: string | null = session?.accountId ?? null,
): boolean {
  if (!session) return false;
  const { hint } = request;
  if (!hint || hint.sub !== hintSubject) return true;
  if (hint.sid !== null && hint.sid !== session.sid) return true;
  if (request.logoutHint !== null && request.logoutHint !== signedInUsername && request.logoutHint !== session.accountId) return true;
  return false;
}

/** §3: where the browser goes after the logout, with `state` as given; null for the signed-out page. */
export function postLogoutRedirect(request: LogoutRequest): string | null {
  if (!request.postLogoutRedirectUri) return null;
  // The registered URI exactly as registered (it has no fragment), plus state.
  const uri = request.postLogoutRedirectUri;
  if (request.state === null) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}${new URLSearchParams({ state: request.state }).toString()}`;
}
