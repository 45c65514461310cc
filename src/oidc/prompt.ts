// Decides what an authentication request still needs from the user (OIDC Core §3.1.2.3-4):
// login, consent, or nothing; prompt=none turns "needs something" into an error.
import { OAuthError } from '../oauth/errors.js';
import { coversScopes } from '../oauth/scope.js';
import type { AccountStore, ConsentStore } from '../storage/ports.js';
import type { ClientRecord, ConsentRecord } from '../storage/records.js';
import type { AuthenticationRequest } from './authentication-request.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';

export interface Authentication {
  accountId: string;
  authTime: number;
}

export type InteractionDecision =
  | { next: 'login' }
  | { next: 'consent'; authentication: Authentication }
  | { next: 'issue'; authentication: Authentication };

export interface PromptInput {
  request: AuthenticationRequest;
  /** The browser's current session, if any. */
  session: Authentication | null;
  /** A login completed inside this very interaction (satisfies prompt=login and max_age). */
  freshLogin: Authentication | null;
  /** Consent given inside this very interaction (satisfies prompt=consent). */
  freshConsent: boolean;
  consent: ConsentRecord | null;
  now: number;
  /**
   * The `sub` the requesting client knows an account by (OIDC Core §8), to compare with an
   * id_token_hint's; default: the account id (public subjects).
   */
  subjectOf?: (accountId: string) => string;
}

/** Who the browser is, as far as this authorization request knows. */
export interface BrowserState {
  session: Authentication | null;
  freshLogin: Authentication | null;
  freshConsent: boolean;
}

/**
 * The one decision path: /authorize asks it first, and every interaction page asks it again
 * after a login or a consent, so the rules below are never repeated elsewhere.
 */
export async function decideNextStep(
  request: AuthenticationRequest,
  claimed: BrowserState,
  deps: { consents: ConsentStore; accounts: AccountStore; now: number; subjects?: SubjectIdentifiers },
): Promise<InteractionDecision> {
  const browser = await withLiveAccount(claimed, deps.accounts);
  const accountId = browser.freshLogin?.accountId ?? browser.session?.accountId;
  // The remembered consent matters only when consent could still be asked for.
  const consentMatters = accountId !== undefined && !skipsConsent(request.client) && !browser.freshConsent;
  const consent = consentMatters ? await deps.consents.find(accountId, request.client.clientId) : null;
  const { subjects } = deps;
  const subjectOf = subjects ? (id: string) => subjects.subjectFor(request.client, id) : undefined;
  return decideInteraction({ request, ...browser, consent, now: deps.now, ...(subjectOf ? { subjectOf } : {}) });
}

/**
 * A login or session whose account was deleted meanwhile (even by a deletion racing with the
 * sign-in) authenticates nobody: it never completes into a code (oauth/lifecycle.ts).
 */
async function withLiveAccount(browser: BrowserState, accounts: AccountStore): Promise<BrowserState> {
  const accountId = browser.freshLogin?.accountId ?? browser.session?.accountId;
  if (accountId === undefined || (await accounts.findById(accountId))) return browser;
  return { ...browser, session: null, freshLogin: null };
}

/**
 * Only an operator-trusted client skips consent: a client that registered itself (RFC 7591) is
 * always asked about, whatever its record says, since anyone could have named it anything.
 */
function skipsConsent(client: ClientRecord): boolean {
  return client.skipConsent && client.metadata.registration === undefined;
}

export function decideInteraction(input: PromptInput): InteractionDecision {
  const { request, session, freshLogin, freshConsent, consent, now } = input;
  const authentication = freshLogin ?? (sessionSatisfies(request, session, now, input.subjectOf) ? session : null);
  if (!authentication) {
    if (request.prompt.has('none')) throw new OAuthError('login_required', 'the user is not logged in');
    return { next: 'login' };
  }
  // A metadata document can change at any time (CIMD draft §6.3): its client is asked every time.
  const remembered = request.client.metadata.metadataDocument ? null : consent;
  const consentNeeded = !skipsConsent(request.client) && !freshConsent && (
    request.prompt.has('consent') || !remembered || !coversScopes(remembered.scopes, request.consentItems)
  );
  if (consentNeeded) {
    if (request.prompt.has('none')) throw new OAuthError('consent_required', 'the user has not approved this client');
    return { next: 'consent', authentication };
  }
  return { next: 'issue', authentication };
}

function sessionSatisfies(
  request: AuthenticationRequest, session: Authentication | null, now: number, subjectOf = (accountId: string) => accountId,
): session is Authentication {
  if (!session) return false;
  if (request.prompt.has('login') || request.prompt.has('select_account')) return false;
  if (request.maxAge !== null && now - session.authTime > request.maxAge) return false;
  if (request.idTokenHintSubject !== null && request.idTokenHintSubject !== subjectOf(session.accountId)) return false;
  return true;
}
