// Recognises OAuth tokens in anything the browser can see: Gatehouse's opaque access and
// refresh tokens carry a type prefix, and ID tokens or JWT access tokens are compact JWS.

const patterns: { kind: string; pattern: RegExp }[] = [
  { kind: 'access token', pattern: /gh_at_[A-Za-z0-9_-]{10,}/ },
  { kind: 'refresh token', pattern: /gh_rt_[A-Za-z0-9_-]{10,}/ },
  { kind: 'JWT (ID token or JWT access token)', pattern: /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/ },
  { kind: 'token parameter', pattern: /[?&#](access_token|refresh_token|id_token)=/ },
];

/** Each place a token showed up, as "<where>: <kind>". */
export function findTokens(where: string, text: string): string[] {
  return patterns.filter(({ pattern }) => pattern.test(text)).map(({ kind }) => `${where}: ${kind}`);
}

/** Every authorization code in `text` (Gatehouse's codes carry the gh_ac_ prefix). */
export function findCodes(text: string): string[] {
  return [...text.matchAll(/gh_ac_[A-Za-z0-9_-]{10,}/g)].map((match) => match[0]);
}
