// Process entry of the demo API: verifier configuration from the environment, then listen.
import { readFileSync } from 'node:fs';
import { createAccessTokenVerifier, protectedResourceMetadataUrl } from '../../src/resource-server/index.js';
import { buildDemoApi } from './app.js';
import { loggingFetch } from './verification-log.js';

const env = process.env;
const credentialsFile = env.DEMO_CLIENT_FILE ?? 'data/demo-client.json';
const { api } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
  api: { client_id: string; client_secret: string };
};

const issuer = env.DEMO_ISSUER ?? 'http://localhost:3000';
const port = Number(env.DEMO_API_PORT ?? 4001);
// The API's resource identifier (RFC 8707 §2, RFC 9728 §1.2), registered by the first run: the
// audience of its tokens, and where clients find its metadata.
const resource = api.client_id;

const verifier = createAccessTokenVerifier({
  issuer,
  // The API is a registered resource (RFC 8707): the app's tokens name it as their audience.
  audience: resource,
  resourceMetadata: protectedResourceMetadataUrl(resource),
  realm: 'demo-api',
  introspection: {
    // Its resource identifier and introspection secret (RFC 7662 §2.1).
    resource: api.client_id,
    resourceSecret: api.client_secret,
    // 0: every call asks Gatehouse, so a token revoked at logout (here or by a back-channel
    // logout in the app) is refused on the very next call. The API keeps no session of its own.
    cacheMaxTtlSeconds: Number(env.DEMO_API_CACHE_SECONDS ?? 0),
  },
  // Writes down what the API asks Gatehouse, so its answer can show it (the playground's step 7).
  fetch: loggingFetch,
});

const app = buildDemoApi({
  verifier,
  logLevel: env.DEMO_LOG_LEVEL ?? 'warn',
  metadata: { resource, authorizationServers: [issuer], scopesSupported: ['profile'], resourceName: 'Gatehouse demo API' },
});
await app.listen({ port, host: env.DEMO_HOST ?? '127.0.0.1' });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)); });
}
