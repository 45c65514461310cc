// Which client a client_id names, wherever it is described: the seam every endpoint and page looks
// clients up through (ServerDeps.clients), so /authorize, /token, consent, revocation, UserInfo and
// logout never depend on where a client is described. app.ts composes it: the stored clients,
// then Client ID Metadata Documents when enabled (clients/client-metadata-document-resolver.ts).
import type { ClientRecord } from '../storage/records.js';

export interface ClientResolver {
  /**
   * The client, or null when none has this id. Throws OAuthError `invalid_client` when the id
   * names a metadata document that cannot be used (fetch failed, invalid document).
   */
  find(clientId: string): Promise<ClientRecord | null>;
}
