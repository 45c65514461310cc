// Login and consent pages for the reference provider, shaped like Gatehouse's (a plain form with a
// hidden csrf_token; consent approves with <button name="decision" value="approve">), built on
// oidc-provider's interaction API.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import { verifyPassword } from '../../src/accounts/password.js';
import type { ReferenceSettings } from './settings.js';

function csrfFor(uid: string, secret: string): string {
  return createHmac('sha256', secret).update(uid).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function page(res: ServerResponse, status: number, title: string, form: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${form}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(uid: string, csrf: string, error = ''): string {
  return `${error ? `<p>${error}</p>` : ''}<form method="post" action="/interaction/${uid}">`
    + `<input type="hidden" name="csrf_token" value="${csrf}">`
    + '<input name="username" autocomplete="username"><input type="password" name="password" autocomplete="current-password">'
    + '<button type="submit">Sign in</button></form>';
}

function consentForm(uid: string, csrf: string, details: InteractionDetails): string {
  return `<p>${details.params.client_id} asks for ${String(details.params.scope ?? '')}</p><form method="post" action="/interaction/${uid}">`
    + `<input type="hidden" name="csrf_token" value="${csrf}">`
    + '<button type="submit" name="decision" value="deny">Deny</button><button type="submit" name="decision" value="approve">Allow</button></form>';
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function createInteractionHandler(provider: Provider, settings: ReferenceSettings) {
  const secret = settings.cookieKey;

  async function approveConsent(req: IncomingMessage, res: ServerResponse, details: InteractionDetails): Promise<void> {
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('consent without a session');
    const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined)
      ?? new provider.Grant({ accountId, clientId: details.params.client_id });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return async function handleInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const csrf = csrfFor(details.uid, secret);
    const isLogin = details.prompt.name === 'login';
    if (req.method === 'GET') {
      if (isLogin) page(res, 200, 'Sign in', loginForm(details.uid, csrf));
      else page(res, 200, 'Allow access?', consentForm(details.uid, csrf, details));
      return;
    }
    const form = await readForm(req);
    if (!sameToken(form.get('csrf_token') ?? '', csrf)) return page(res, 403, 'Forbidden', '<p>Invalid form token.</p>');
    if (isLogin) {
      const { user } = settings;
      const passwordOk = await verifyPassword(user.passwordHash, form.get('password') ?? '');
      if (form.get('username') !== user.username || !passwordOk) return page(res, 200, 'Sign in', loginForm(details.uid, csrf, 'Wrong username or password.'));
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    if (form.get('decision') !== 'approve') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'denied' }, { mergeWithLastSubmission: false });
      return;
    }
    await approveConsent(req, res, details);
  };
}
