// Delivers one back-channel logout (OpenID Connect Back-Channel Logout 1.0 §2.5): signs the logout
// token now (oidc/backchannel-logout.ts) and POSTs it as `logout_token` in a form body to the URI
// the client has registered now, through the outbound fetch (timeouts, no redirects, public
// addresses only unless configured). 2xx is success (§2.8: 200, or 204 from some frameworks);
// 400 is the RP's "logout failed" (§2.8): given up, as the same token would fail again.
import type { SigningKeySet } from '../keys/signing-keys.js';
import type { Clock } from '../lib/clock.js';
import { OutboundFetchError, type OutboundFetch } from '../lib/outbound-fetch/index.js';
import type { ClientStore } from '../storage/ports.js';
import { signLogoutToken, type BackchannelLogoutPayload } from '../oidc/backchannel-logout.js';
import { idTokenAlgorithm } from '../oidc/id-token.js';
import type { SubjectIdentifiers } from '../oauth/subject-identifier.js';
import { PermanentDeliveryError, type OutboxDelivery } from './worker.js';

export interface BackchannelLogoutDeliveryDeps {
  issuer: string;
  keys: SigningKeySet;
  subjects: SubjectIdentifiers;
  clients: Pick<ClientStore, 'find'>;
  clock: Clock;
  fetch: OutboundFetch;
  /** Logout token life in seconds (§2.4: short). */
  tokenTtl: number;
}

export function backchannelLogoutDelivery(deps: BackchannelLogoutDeliveryDeps): OutboxDelivery {
  return async (message) => {
    const payload = JSON.parse(message.payload) as BackchannelLogoutPayload;
    const client = await deps.clients.find(payload.clientId);
    // Deleted since, or no longer registered for back-channel logout: nothing to tell.
    if (!client?.backchannelLogoutUri) return;
    if (client.backchannelLogoutSessionRequired && payload.sid === null) {
      throw new PermanentDeliveryError(`client ${client.clientId} requires sid and the session had none`);
    }
    // The client's own subject for the account (pairwise, OIDC Core §8.1) and its ID token algorithm.
    const sub = payload.sub === null ? null : deps.subjects.subjectFor(client, payload.sub);
    const logoutToken = await signLogoutToken(
      { ...payload, sub, issuer: deps.issuer, now: deps.clock(), ttl: deps.tokenTtl }, deps.keys, idTokenAlgorithm(client));
    let status: number;
    try {
      ({ status } = await deps.fetch({
        url: client.backchannelLogoutUri,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
      }));
    } catch (error) {
      if (error instanceof OutboundFetchError) {
        const reason = `client ${client.clientId}: ${error.message}`;
        throw error.reason === 'forbidden_address' || error.reason === 'invalid_url' ? new PermanentDeliveryError(reason) : new Error(reason);
      }
      throw error;
    }
    if (status >= 200 && status < 300) return;
    const reason = `client ${client.clientId}: the back-channel logout URI answered ${status}`;
    throw status === 400 ? new PermanentDeliveryError(reason) : new Error(reason);
  };
}
