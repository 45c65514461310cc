// Shortcuts for protocol tests: run the browser part of the code flow and get the callback URL.
import { createHash, randomBytes } from 'node:crypto';
import { ScriptedBrowser, type Page } from './browser.js';
import type { TestClient, TestServer } from './gatehouse.js';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A PKCE challenge for authorization requests whose code is never redeemed (RFC 7636 §4.3). */
export function pkceParams(): { code_challenge: string; code_challenge_method: 'S256' } {
  return { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
}

export function authorizeUrl(server: TestServer, client: TestClient, params: Record<string, string | undefined> = {}): string {
  const url = new URL(`${server.issuer}/authorize`);
  const all: Record<string, string | undefined> = {
    response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri,
    scope: 'openid profile email offline_access', state: 'state-123', nonce: 'nonce-456', ...params,
  };
  for (const [key, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

export interface AuthorizationRun {
  browser: ScriptedBrowser;
  /** The redirect back to the client, if the flow reached it. */
  callback?: URL;
  /** The last page shown by Gatehouse otherwise. */
  page: Page;
}

/** Logs in (when asked) and approves consent (when asked), returning where the browser is sent. */
export async function runAuthorization(
  server: TestServer, client: TestClient, user: { username: string; password: string },
  params: Record<string, string | undefined> = {}, browser = new ScriptedBrowser(),
  options: { consent?: 'approve' | 'deny' } = {},
): Promise<AuthorizationRun> {
  let page = await browser.navigate(authorizeUrl(server, client, params));
  for (let step = 0; step < 4 && !page.leftTo; step++) {
    if (page.body.includes('name="password"')) {
      page = await browser.submitForm(page, { username: user.username, password: user.password });
    } else if (page.body.includes('name="decision"')) {
      page = await browser.submitForm(page, { decision: options.consent ?? 'approve' });
    } else {
      break;
    }
  }
  return { browser, page, ...(page.leftTo ? { callback: new URL(page.leftTo) } : {}) };
}

export async function tokenRequest(
  server: TestServer, form: Record<string, string>, auth?: { clientId: string; clientSecret: string },
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`).toString('base64')}`;
  const response = await fetch(`${server.issuer}/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

/** Runs the whole flow and exchanges the code; returns the token response body. */
export async function obtainTokens(
  server: TestServer, client: TestClient, user: { username: string; password: string },
  scope = 'openid profile email offline_access',
): Promise<Record<string, unknown>> {
  const pkce = pkcePair();
  const run = await runAuthorization(server, client, user, { scope, code_challenge: pkce.challenge, code_challenge_method: 'S256' });
  const code = run.callback?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${run.page.status} ${run.page.body.slice(0, 200)}`);
  const response = await tokenRequest(server, {
    grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier,
  }, { clientId: client.clientId, clientSecret: client.clientSecret! });
  if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(response.body)}`);
  return response.body;
}
