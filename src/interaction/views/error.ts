// The error page, for problems that must not be redirected to a client (RFC 6749 §4.1.2.1).
import { escapeHtml, page } from './html.js';

export function errorPage(title: string, message: string, code?: string): string {
  return page({
    title,
    body: `<h1>${escapeHtml(title)}</h1>
<p class="alert" role="alert">${escapeHtml(message)}</p>
${code ? `<p class="muted">Error code: <code>${escapeHtml(code)}</code></p>` : ''}
<p class="muted">You can close this page and start again from the application you came from.</p>`,
  });
}
