// Dynamically registered clients that never complete a token request expire (config
// registration.unusedClientTtl): MCP clients register on every connect, so abandoned
// registrations must not pile up. The first token response keeps a client, with one write for
// its life; the purge loop deletes the rest through oauth/lifecycle.ts like any deleted client.
import type { Clock } from '../lib/clock.js';
import type { ClientStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import { deleteClient, type LifecycleDeps } from '../oauth/lifecycle.js';

/** True while the client may be used: not a registration past its expiry (awaiting the purge). */
export function isLiveClient(client: ClientRecord, now: number): boolean {
  return client.registrationExpiresAt == null || client.registrationExpiresAt > now;
}

/**
 * The client store as the token endpoint sees it: an expired registration is unknown, so the
 * client gets 401 invalid_client and registers again, even before the purge has run.
 */
export function liveClients(clients: Pick<ClientStore, 'find'>, clock: Clock): Pick<ClientStore, 'find'> {
  return {
    async find(clientId) {
      const client = await clients.find(clientId);
      return client && isLiveClient(client, clock()) ? client : null;
    },
  };
}

/** After a token response: a registration still waiting for its first use is kept from now on. */
export async function keepUsedRegistration(client: ClientRecord, clients: Pick<ClientStore, 'keepRegistration'>): Promise<void> {
  if (client.registrationExpiresAt != null) await clients.keepRegistration(client.clientId);
}

/** One purge batch: deletes up to `limit` expired registrations with what they held; how many it found. */
export async function purgeExpiredRegistrations(deps: LifecycleDeps, now: number, limit: number): Promise<number> {
  const expired = await deps.storage.clients.listExpiredRegistrations(now, limit);
  for (const clientId of expired) await deleteClient(clientId, deps);
  return expired.length;
}
