// The error pages, for problems that must not be redirected to a client (RFC 6749 §4.1.2.1),
// and every interaction error's wording, kept together here.
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

/** The authorization request itself is wrong (unknown client, unregistered redirect URI, …). */
export function requestErrorPage(description: string, code?: string): string {
  return errorPage('This sign-in request cannot continue', description, code);
}

/** Unknown or expired interaction, or one this browser did not start (RFC 6749 §10.12). */
export function interactionUnavailablePage(): string {
  return errorPage('This sign-in has expired',
    'This sign-in page is no longer valid in this browser: it has expired, or it was started in another browser. Go back to the application and start again.');
}

export function serviceUnavailablePage(): string {
  return errorPage('Temporarily unavailable', 'The sign-in service is busy or briefly unavailable. Wait a moment and reload this page.');
}

/** A form POST without this interaction's CSRF token. */
export function formRefusedPage(form: 'sign-in' | 'consent'): string {
  return errorPage('Request refused', `The form was not submitted from this ${form} page. Go back and try again.`);
}
