// Process entry of the demo client app: configuration from the environment, then listen.
import { readFileSync } from 'node:fs';
import { buildClientApp } from './app.js';
import { recordingFetch } from './playground/index.js';
import { createRelyingParty } from './relying-party.js';

const env = process.env;
const port = Number(env.DEMO_APP_PORT ?? 4000);
const baseUrl = env.DEMO_APP_URL ?? `http://localhost:${port}`;
const issuer = env.DEMO_ISSUER ?? 'http://localhost:3000';
const credentialsFile = env.DEMO_CLIENT_FILE ?? 'data/demo-client.json';
// The demo's credentials file ({ client: … }), or what `gatehouse client create --json` printed (a second app).
const saved = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
  client?: { client_id: string; client_secret: string }; implicit_client?: { client_id: string }; client_id: string; client_secret: string;
};
const client = saved.client ?? saved;
const now = () => Math.floor(Date.now() / 1000);

const app = buildClientApp({
  baseUrl,
  apiUrl: env.DEMO_API_URL ?? 'http://localhost:4001/api/profile',
  now,
  implicitClientId: saved.implicit_client?.client_id,
  logLevel: env.DEMO_LOG_LEVEL ?? 'warn',
  relyingParty: createRelyingParty({
    issuer, clientId: client.client_id, clientSecret: client.client_secret,
    redirectUri: `${baseUrl}/callback`, scope: 'openid profile email offline_access', now,
    postLogoutRedirectUri: `${baseUrl}/?logged_out=1`,
    // The playground shows what the Client-Server sent and received; it records through this.
    customFetch: recordingFetch,
  }),
});
await app.listen({ port, host: env.DEMO_HOST ?? '127.0.0.1' });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void app.close().then(() => process.exit(0)); });
}
