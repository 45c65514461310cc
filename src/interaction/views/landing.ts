// The page at the issuer's root: what this server is, and where a developer reads on.
import { escapeHtml, page } from './html.js';
import { messages } from './messages.js';

export interface LandingView {
  issuer: string;
  /** An operator's documentation URL (RFC 8414 `service_documentation`), when configured. */
  documentation?: string | undefined;
}

export function landingPage({ issuer, documentation }: LandingView): string {
  const m = messages.landing;
  const link = (path: string, text: string) => `<li><a href="${escapeHtml(`${issuer}${path}`)}">${escapeHtml(text)}</a></li>`;
  const docs = documentation
    ? `<li><a href="${escapeHtml(documentation)}">${escapeHtml(m.documentation)}</a></li>`
    : '';
  return page({
    title: m.title,
    body: `<h1>${escapeHtml(m.heading)}</h1>
<p class="lead">${escapeHtml(m.lead)}</p>
<p class="muted">${escapeHtml(m.issuerLabel)}: <code>${escapeHtml(issuer)}</code></p>
<h2>${escapeHtml(m.forDevelopers)}</h2>
<ul class="links">
${link('/.well-known/openid-configuration', m.discovery)}
${link('/.well-known/oauth-authorization-server', m.oauthMetadata)}
${link('/jwks', m.jwks)}
${docs}
</ul>
${documentation ? '' : `<p class="muted">${escapeHtml(m.documentationHint)}</p>`}`,
  });
}
