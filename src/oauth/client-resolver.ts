// Which client a client_id names, wherever it is described: first the clients stored by the
// operator or a registration (a pre-registered document URL included, CIMD draft §6.10), then, for
// an https URL when Client ID Metadata Documents are enabled, the document the URL names. Every
// endpoint and page looks clients up through this one seam, so /authorize, /token, consent,
// revocation and logout never depend on where a client is described.
import type { ClientRecord } from '../storage/records.js';
import { isClientIdUrl } from './client-id-metadata-document.js';

export interface ClientResolver {
  /**
   * The client, or null when none has this id. Throws OAuthError `invalid_client` when the id
   * names a metadata document that cannot be used (fetch failed, invalid document).
   */
  find(clientId: string): Promise<ClientRecord | null>;
}

/** Stored clients first; then, when given, `documents` for client_ids that are https URLs. */
export function createClientResolver(stored: ClientResolver, documents: ClientResolver | null): ClientResolver {
  if (!documents) return stored;
  return {
    async find(clientId) {
      const client = await stored.find(clientId);
      if (client || !isClientIdUrl(clientId)) return client;
      return documents.find(clientId);
    },
  };
}
