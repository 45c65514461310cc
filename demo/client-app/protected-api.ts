// Calls the demo's protected API with the user's access token (RFC 6750 §2.1) from the server.

export interface ApiAnswer {
  url: string;
  status: number;
  body: unknown;
  /** The RFC 6750 §3 challenge on a refusal, shown so a newcomer sees why. */
  challenge: string | null;
}

export async function callProtectedApi(url: string, accessToken: string): Promise<ApiAnswer> {
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON: show it as text */ }
    return { url, status: response.status, body, challenge: response.headers.get('www-authenticate') };
  } catch (error) {
    return { url, status: 502, body: { error: 'the API could not be reached', detail: (error as Error).message }, challenge: null };
  }
}

/** True when the API refused the token itself (expired or revoked), so a refresh may help. */
export function tokenRefused(answer: ApiAnswer): boolean {
  return answer.status === 401 && /error="invalid_token"/.test(answer.challenge ?? '');
}
