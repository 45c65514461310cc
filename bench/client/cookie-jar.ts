// One browser's cookie jar (RFC 6265 §5.3/§5.4, single host): keeps cookies by name and path,
// honours Max-Age/Expires deletion, and sends the ones whose path matches the request.
interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : url.pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Stores the Set-Cookie headers of a response to `url`. */
  store(setCookie: string[] | undefined, url: URL, now = Date.now()): void {
    if (!setCookie) return;
    for (const line of setCookie) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        path: defaultPath(url),
        expiresAt: Infinity,
      };
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
        else if (key === 'max-age') cookie.expiresAt = now + Number(value) * 1000;
        else if (key === 'expires' && !attributes.some((a) => a.trim().toLowerCase().startsWith('max-age'))) {
          cookie.expiresAt = Date.parse(value);
        }
      }
      const id = `${cookie.name};${cookie.path}`;
      if (cookie.expiresAt <= now) this.cookies.delete(id);
      else this.cookies.set(id, cookie);
    }
  }

  /** The Cookie header for a request to `url`, longest paths first as browsers send them. */
  header(url: URL, now = Date.now()): string | undefined {
    const matching: StoredCookie[] = [];
    for (const [id, cookie] of this.cookies) {
      if (cookie.expiresAt <= now) this.cookies.delete(id);
      else if (pathMatches(url.pathname, cookie.path)) matching.push(cookie);
    }
    if (matching.length === 0) return undefined;
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  get size(): number {
    return this.cookies.size;
  }
}
