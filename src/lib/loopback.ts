// Loopback host names as a URL spells them: where plain http stays on the machine (RFC 8252 §7.3,
// §8.3). Used for redirect URIs and for the issuer.

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for `URL#hostname` values that name this machine: localhost, 127.0.0.1 or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname);
}
