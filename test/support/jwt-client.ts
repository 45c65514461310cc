// What the JWT client authentication and request object tests share: client key pairs, a
// loopback JWK Set server that counts its fetches, an https document server with a throwaway
// self-signed certificate (trusted by Gatehouse through outboundCaFile), and assertion builders.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as registered (kid, alg, use sig). */
  jwk: JWK;
}

export async function clientKey(alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA' = 'RS256', kid = `k-${randomUUID().slice(0, 8)}`): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Serves a JWK Set at http://127.0.0.1:<port>/jwks and counts the requests it answered. */
export async function startKeyServer(keys: JWK[] = []) {
  let body = JSON.stringify({ keys });
  let hits = 0;
  const server = createHttpServer((_request, response) => {
    hits += 1;
    response.setHeader('content-type', 'application/jwk-set+json');
    response.end(body);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    get hits() { return hits; },
    setKeys(next: JWK[]) { body = JSON.stringify({ keys: next }); },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An https server on 127.0.0.1 answering the documents put at its paths, with its CA certificate file. */
export async function startHttpsDocuments() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-https-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const documents = new Map<string, string>();
  let hits = 0;
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request: IncomingMessage, response: ServerResponse) => {
    hits += 1;
    const document = documents.get(request.url ?? '');
    if (document === undefined) {
      response.statusCode = 404;
      return response.end();
    }
    response.setHeader('content-type', 'application/oauth-authz-req+jwt');
    response.end(document);
  });
  const port = await listen(server);
  return {
    caFile: cert,
    get hits() { return hits; },
    /** Serves `body` at a fresh path; returns its https URL. */
    put(body: string): string {
      const path = `/request/${randomUUID()}`;
      documents.set(path, body);
      return `https://127.0.0.1:${port}${path}`;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface AssertionOptions {
  clientId: string;
  audience: string | string[];
  now: number;
  /** Claims to add or replace (undefined removes one). */
  claims?: Record<string, unknown>;
  kid?: string | undefined;
  alg?: string;
}

/** A client assertion (RFC 7523 §3) signed with `key` (a CryptoKey, or the bytes of an HMAC secret). */
export async function signAssertion(key: CryptoKey | Uint8Array, options: AssertionOptions): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: options.clientId, sub: options.clientId, aud: options.audience, jti: randomUUID(),
    iat: options.now, exp: options.now + 60, ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'RS256', ...(options.kid ? { kid: options.kid } : {}) })
    .sign(key);
}
