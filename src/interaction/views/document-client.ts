// The consent page's lines about a client described only by its Client ID Metadata Document: the
// host of its client_id URL (CIMD draft §6.4), and a warning when every redirect URI is on this
// computer (loopback), so a local program cannot pass for a known web application.
import type { ClientRecord } from '../../storage/records.js';
import { isLoopbackHost } from '../../lib/loopback.js';
import { escapeHtml } from './html.js';
import { messages } from './messages.js';

export interface DocumentClientView {
  clientHost: string;
  /** Every redirect URI of the document is http on loopback (localhost, 127.0.0.1, [::1]). */
  localApp: boolean;
}

/** The view for a metadata document client; undefined for any other client. */
export function documentClientView(client: ClientRecord): DocumentClientView | undefined {
  if (!client.metadata.metadataDocument) return undefined;
  return {
    clientHost: new URL(client.clientId).host,
    localApp: client.redirectUris.every((uri) => uri.startsWith('http://') && isLoopbackHost(new URL(uri).hostname)),
  };
}

export function documentClientNotice(view: DocumentClientView | undefined): string {
  if (!view) return '';
  const [before, after] = messages.consent.documentClient.split('{host}');
  const identified = `<p class="notice" role="note">${escapeHtml(before ?? '')}<strong>${escapeHtml(view.clientHost)}</strong>${escapeHtml(after ?? '')}</p>\n`;
  return view.localApp ? `${identified}<p class="alert" role="note">${escapeHtml(messages.consent.localApp)}</p>\n` : identified;
}
