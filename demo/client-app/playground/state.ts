// What the playground remembers per demo session, on the server only: the last sign-in's
// exchanges (raw, tokens included, never sent to the browser as such) and the "why" experiments.
// Kept beside the session (a WeakMap keyed by it), so the session store itself stays unchanged.
import type { Session } from '../session-store.js';
import type { IdTokenCheck } from './inspect.js';
import type { Exchange } from './recorder.js';

export type ExperimentKind = 'swap-verifier' | 'tamper-state' | 'replay-code' | 'reuse-refresh' | 'sign-out';

/** One sign-in through the Authorization Code flow, step by step (the seed's seven steps). */
export interface SignInRecord {
  startedAt: number;
  /** Step 1: the URL the browser was sent to; its parameters are public (they travel in the browser). */
  authorizationUrl: string;
  state: string;
  nonce: string;
  /** Secret until the code is redeemed; shown only once it is. */
  codeVerifier: string;
  codeChallenge: string;
  /** Steps 3-4: the callback as the Client-Server received it. The code in it is live until step 5. */
  callback?: { url: string; receivedAt: number };
  /** Steps 5-6: token request and response, then the JWKS fetch. */
  exchanges: Exchange[];
  /** Step 6, redone in the open. */
  idToken?: IdTokenCheck;
  /** Step 7: the latest API call with this sign-in's access token. */
  api?: Exchange;
  /** Set once the code went to the token endpoint: from then on it may be shown. */
  codeSpent: boolean;
  failure?: { error: string; description?: string };
  /** Tokens of this sign-in, server-side, for the replay experiment's "now revoked" check. */
  tokens?: { accessToken: string; refreshToken: string | undefined };
}

export interface ExperimentRecord {
  kind: ExperimentKind;
  at: number;
  exchanges: Exchange[];
  /** Facts to show, in order: label and value (already safe to show). */
  facts: [string, string][];
  /** The rule held: Gatehouse or the Client-Server refused as it must. */
  refused: boolean;
  error?: string;
  description?: string;
  /** Sign-out: the sid of the Gatehouse session ended, from the ID token; its logout token is looked up by it. */
  sid?: string;
}

export interface PlaygroundState {
  signIn?: SignInRecord;
  /** Logins the playground started, by state: where they land, or which experiment they feed. */
  started: Map<string, 'playground' | 'swap-verifier' | 'tamper-state'>;
  experiments: Map<ExperimentKind, ExperimentRecord>;
  /** The tamper-state experiment, between the callback handed back to the browser and its return. */
  tamper?: { state: string; forged: string; at: number };
}

const states = new WeakMap<Session, PlaygroundState>();

export function playgroundOf(session: Session): PlaygroundState {
  let state = states.get(session);
  if (!state) {
    state = { started: new Map(), experiments: new Map() };
    states.set(session, state);
  }
  return state;
}

/** After a playground sign-out the session is gone; its record moves to the fresh, signed-out one. */
export function carryOver(from: Session, to: Session): void {
  const state = states.get(from);
  if (state) states.set(to, state);
}
