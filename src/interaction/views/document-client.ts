// The consent page's lines about a client described only by its Client ID Metadata Document: the
// host of its client_id URL, the host it returns to, and a warning when every redirect URI is on
// this computer (loopback), so a local program cannot pass for a known web application.
import type { ClientRecord } from '../../storage/records.js';
import { isLoopbackHost } from '../../lib/loopback.js';
import { escapeHtml } from './html.js';
import { documentClientMessages as messages } from './document-client-messages.js';

export interface DocumentClientView {
  clientHost: string;
  redirectHost: string;
  /** Every redirect URI of the document is on loopback (localhost, 127.0.0.1, [::1]). */
  localApp: boolean;
}

function hostOf(uri: string): string {
  const url = new URL(uri);
  return url.host || url.protocol;
}

/** The view for a metadata document client and the redirect URI of this request; undefined for any other client. */
export function documentClientView(client: ClientRecord, redirectUri: string): DocumentClientView | undefined {
  if (!client.metadata.metadataDocument) return undefined;
  return {
    clientHost: new URL(client.clientId).host,
    redirectHost: hostOf(redirectUri),
    localApp: client.redirectUris.every((uri) => /^https?:$/.test(new URL(uri).protocol) && isLoopbackHost(new URL(uri).hostname)),
  };
}

function fill(text: string, view: DocumentClientView): string {
  return text.replace('{host}', `<strong>${escapeHtml(view.clientHost)}</strong>`)
    .replace('{redirect}', `<strong>${escapeHtml(view.redirectHost)}</strong>`);
}

export function documentClientNotice(view: DocumentClientView | undefined): string {
  if (!view) return '';
  const local = view.localApp ? `\n<p class="alert" role="note">${fill(messages.localApp, view)}</p>` : '';
  return `<p class="muted">${fill(messages.identifiedBy, view)} ${fill(messages.returnsTo, view)}</p>${local}`;
}
