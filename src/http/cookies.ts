// Reading and writing cookies (RFC 6265) without a plugin: Gatehouse sets only two.

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  secure: boolean;
  maxAge?: number;
  path?: string;
}

/** HttpOnly and SameSite=Lax always; Secure when the issuer is https. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, options: { secure: boolean; path?: string }): string {
  return serializeCookie(name, '', { ...options, maxAge: 0 });
}
