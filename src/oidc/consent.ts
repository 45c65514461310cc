// Recording the user's approval on the consent page (OIDC Core §3.1.2.4): the remembered consent
// grows to cover the newly approved scopes (and claims asked for by name, OIDC Core §5.5), so the
// next request for them asks nothing.
import type { ConsentStore } from '../storage/ports.js';
import type { AuthenticationRequest } from './authentication-request.js';

export async function recordConsent(
  accountId: string,
  request: AuthenticationRequest,
  deps: { consents: ConsentStore; now: number },
): Promise<void> {
  const { consents, now } = deps;
  const clientId = request.client.clientId;
  const previous = await consents.find(accountId, clientId);
  const scopes = [...new Set([...(previous?.scopes ?? []), ...request.consentItems])];
  await consents.save({ accountId, clientId, scopes, createdAt: previous?.createdAt ?? now, updatedAt: now });
}
