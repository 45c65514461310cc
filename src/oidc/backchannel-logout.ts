// OpenID Connect Back-Channel Logout 1.0 on the OP side: when a session ends, one outbox message
// per client of the session that registered a `backchannel_logout_uri` (§2.2, §2.5); at delivery,
// the logout token (§2.4) is signed with our signing key set. The outbox holds only the client id,
// `sub`, `sid` and the token's `jti` — nothing usable: the token is minted per attempt, with the
// same `jti`, so a receiver can drop a repeat (§2.6 step 7) and a stolen database row logs no one out.
import type { SigningKeySet } from '../keys/signing-keys.js';
import { defaultSigningAlgorithm, type SigningAlgorithm } from '../keys/signing-algorithms.js';
import { randomIdentifier, randomToken } from '../lib/random.js';
import type { Clock } from '../lib/clock.js';
import type { ClientStore, OutboxStore } from '../storage/ports.js';
import type { LogoutNotifier } from './logout-notifier.js';

export const backchannelLogoutTopic = 'backchannel_logout';
/** The event member every logout token carries (Back-Channel Logout 1.0 §2.4). */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** What the outbox keeps for one logout token: no secret. */
export interface BackchannelLogoutPayload {
  clientId: string;
  /** The account id; the token carries the subject the client knows it by (OIDC Core §8), set at delivery. */
  sub: string | null;
  sid: string | null;
  jti: string;
}

export interface LogoutTokenInput extends BackchannelLogoutPayload {
  issuer: string;
  now: number;
  /** Seconds: short, the token is POSTed at once (§2.4 recommends at most two minutes). */
  ttl: number;
}

/** The logout token's claims (§2.4): never a `nonce`, always `sub` or `sid`. */
export function logoutTokenClaims(input: LogoutTokenInput): Record<string, unknown> {
  if (input.sub === null && input.sid === null) throw new Error('a logout token needs sub or sid');
  return {
    iss: input.issuer, aud: input.clientId, iat: input.now, exp: input.now + input.ttl, jti: input.jti,
    ...(input.sub !== null ? { sub: input.sub } : {}),
    ...(input.sid !== null ? { sid: input.sid } : {}),
    events: { [backchannelLogoutEvent]: {} },
  };
}

/**
 * Signs a logout token, `typ: logout+jwt` (§2.4), with the active key of `alg`: the client's ID
 * token algorithm (§2.4: logout tokens are signed with the keys used for ID tokens; §2.6 step 3
 * has the RP validate them as it validates ID tokens, its id_token_signed_response_alg included).
 */
export async function signLogoutToken(input: LogoutTokenInput, keys: SigningKeySet, alg: SigningAlgorithm = defaultSigningAlgorithm): Promise<string> {
  const signer = await keys.signingKey(alg);
  return signer.sign({ typ: 'logout+jwt' }, logoutTokenClaims(input));
}

export interface BackchannelLogoutNotifierDeps {
  clients: Pick<ClientStore, 'find'>;
  outbox: Pick<OutboxStore, 'enqueue'>;
  clock: Clock;
  /** Put `sub` beside `sid` in logout tokens (config `backchannelLogoutIncludeSub`). */
  includeSub: boolean;
  /** Called after the messages are stored: the local worker delivers them at once. */
  enqueued?: () => void;
}

/**
 * The LogoutNotifier of Back-Channel Logout 1.0 (§2.5): resolves once one message per client
 * with a back-channel logout URI is stored in the outbox. `sid` is always sent when known, which
 * also satisfies clients registered with `backchannel_logout_session_required`; `sub` is sent
 * too unless configured otherwise, and always when there is no `sid`.
 */
export function createBackchannelLogoutNotifier(deps: BackchannelLogoutNotifierDeps): LogoutNotifier {
  return {
    async sessionEnded({ sid, accountId, clientIds }) {
      const now = deps.clock();
      const known = sid === '' ? null : sid;
      const messages = [];
      for (const clientId of new Set(clientIds)) {
        const client = await deps.clients.find(clientId);
        if (!client?.backchannelLogoutUri) continue;
        const payload: BackchannelLogoutPayload = {
          clientId, sid: known, sub: deps.includeSub || known === null ? accountId : null, jti: randomToken(18),
        };
        messages.push({
          messageId: randomIdentifier(16), topic: backchannelLogoutTopic, payload: JSON.stringify(payload),
          attempts: 0, nextAttemptAt: now, lastError: null, givenUpAt: null, purgeAfter: null, createdAt: now,
        });
      }
      if (messages.length === 0) return;
      await deps.outbox.enqueue(messages);
      deps.enqueued?.();
    },
  };
}
