// The wording of Gatehouse's own answers outside a sign-in (landing page, wrong method, too
// large), in one catalogue so it can be reviewed, and later translated, in one place.

export const messages = {
  landing: {
    title: 'Gatehouse',
    heading: 'Gatehouse sign-in service',
    lead: 'This is an OpenID Connect provider. Applications send you here to sign in; there is nothing to do on this page.',
    issuerLabel: 'Issuer',
    forDevelopers: 'For developers',
    discovery: 'OpenID Provider configuration (discovery)',
    oauthMetadata: 'OAuth 2.0 authorization server metadata',
    jwks: 'Public signing keys (JWKS)',
    documentation: 'Documentation',
    documentationHint: 'Gatehouse documentation: README.md and docs/ in the Gatehouse distribution.',
  },
  methodNotAllowed: {
    title: 'Method not allowed',
    text: (method: string, allowed: string) => `${method} is not allowed here; this address accepts ${allowed}.`,
  },
  tooLarge: {
    title: 'Request too large',
    body: (limit: string) => `the request body is too large (at most ${limit})`,
    headers: 'the request line or its headers are too large (the address may be far too long); go back to the application and start again',
  },
  badMediaType: 'the request body must be application/x-www-form-urlencoded',
  badMediaTypeJson: 'the request body must be application/json (RFC 7591 §3.1)',
  unparsable: 'the request could not be parsed',
  somethingWrong: 'Something went wrong',
  consent: {
    selfRegisteredTitle: 'Registered itself.',
    selfRegistered: 'This application registered itself with this service; it has not been verified by the operator, so its name and logo are its own claims.',
    redirectsTo: 'Your answer is sent to',
    /** A Client ID Metadata Document client (CIMD draft §6.4); `{host}` is its client_id URL's host. */
    documentClient: 'This application describes itself at {host}; it has not been verified by the operator.',
    /** Every redirect URI of that document is on loopback. */
    localApp: 'This app runs on your own computer. Allow it only if you started it yourself just now.',
  },
} as const;
