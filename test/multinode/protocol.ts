// Protocol steps aimed at ONE chosen node, so a test decides which node serves each request:
// the browser steps of the code flow (RFC 6749 §4.1.1-4.1.2) and the token, introspection
// (RFC 7662) and revocation (RFC 7009) calls of a confidential client.
import { ScriptedBrowser, decodeEntities, type Page } from '../support/browser.js';
import { pkcePair } from '../support/flow.js';
import type { SeededClient, SeededUser } from './seed.js';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

function basic(client: SeededClient): string {
  const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/** POSTs a form with the client's Basic credentials to `path` on `node`. */
export async function postAs(node: string, path: string, client: SeededClient, form: Record<string, string>): Promise<JsonResponse> {
  const response = await fetch(`${node}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    body: new URLSearchParams(form).toString(),
    // Only against a hung connection: a loaded 2-core machine can be slow, never this slow.
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text ? JSON.parse(text) as Record<string, unknown> : {};
  } catch {
    body = { unparsed: text.slice(0, 200) };
  }
  return { status: response.status, headers: response.headers, body };
}

export const token = (node: string, client: SeededClient, form: Record<string, string>) => postAs(node, '/token', client, form);
export const introspect = (node: string, client: SeededClient, value: string) => postAs(node, '/introspect', client, { token: value });
export const revoke = (node: string, client: SeededClient, value: string) => postAs(node, '/revoke', client, { token: value });

/** The first form on the page: its action path and hidden fields. */
function formOf(page: Page): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
  if (!form) throw new Error(`no form on ${page.url} (status ${page.status}): ${page.body.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    fields[input[1]!] = decodeEntities(input[2]!);
  }
  return { action: new URL(decodeEntities(form[1]!), 'http://x').pathname, fields };
}

export interface CodeOnNodes {
  /** Where GET /authorize, the login page and the login POST go. */
  login: string;
  /** Where the interaction is resumed after login: the consent page and its POST. */
  resume: string;
}

export interface IssuedCode {
  code: string;
  verifier: string;
  callback: URL;
  browser: ScriptedBrowser;
  /** The pages the user had to go through, in order: 'login', 'consent'. */
  pages: string[];
}

/**
 * Authorization request and login on one node, consent (the resumed interaction) on another:
 * the browser's cookies go to whichever node answers, as behind a load balancer.
 */
export async function obtainCode(
  nodes: CodeOnNodes, client: SeededClient, user: SeededUser,
  scope = 'openid profile email offline_access', browser = new ScriptedBrowser(),
): Promise<IssuedCode> {
  const pkce = pkcePair();
  const authorize = new URL(`${nodes.login}/authorize`);
  for (const [key, value] of Object.entries({
    response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope,
    state: 'multinode-state', nonce: 'multinode-nonce', code_challenge: pkce.challenge, code_challenge_method: 'S256',
  })) authorize.searchParams.set(key, value);

  // After the login POST the browser continues on the resume node.
  let node = nodes.login;
  let page = await browser.request(authorize.toString());
  let callback: URL | undefined;
  const pages: string[] = [];
  for (let step = 0; step < 8 && !callback; step++) {
    const location = page.status >= 300 && page.status < 400 ? page.headers.get('location') : null;
    if (location !== null) {
      if (location.startsWith('/')) page = await browser.request(`${node}${location}`);
      else callback = new URL(location);
    } else if (page.body.includes('name="password"')) {
      pages.push('login');
      const login = formOf(page);
      page = await browser.request(`${nodes.login}${login.action}`, {
        method: 'POST', form: { ...login.fields, username: user.username, password: user.password },
      });
      node = nodes.resume;
    } else if (page.body.includes('name="decision"')) {
      pages.push('consent');
      const consent = formOf(page);
      page = await browser.request(`${nodes.resume}${consent.action}`, { method: 'POST', form: { ...consent.fields, decision: 'approve' } });
    } else {
      throw new Error(`unexpected page ${page.url} (status ${page.status}): ${page.body.slice(0, 200)}`);
    }
  }
  if (!callback) throw new Error('the authorization did not return to the client');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.origin}${callback.pathname}: ${callback.searchParams.get('error') ?? 'no error'}`);
  return { code, verifier: pkce.verifier, callback, browser, pages };
}

/** Redeems a code at `node` (RFC 6749 §4.1.3). */
export function redeem(node: string, client: SeededClient, issued: Pick<IssuedCode, 'code' | 'verifier'>): Promise<JsonResponse> {
  return token(node, client, {
    grant_type: 'authorization_code', code: issued.code, redirect_uri: client.redirectUri, code_verifier: issued.verifier,
  });
}

/** Decodes a JWT's protected header without verifying it. */
export function jwtHeader(jwt: string): { kid?: string; alg?: string } {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid?: string; alg?: string };
}
