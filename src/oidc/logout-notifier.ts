// The seam between ending a browser session and telling the relying parties about it. The core
// (RP-initiated logout, `gatehouse session revoke`, an account's deletion) calls `sessionEnded`
// once per ended session; the logout channels (OpenID Connect Back-Channel Logout 1.0 through the
// durable outbox) implement it. Nothing here knows HTTP or storage.

/** One ended browser session and the clients it signed into (Back-Channel Logout 1.0 §2.5). */
export interface SessionEnded {
  /** The session's `sid`, as carried by the ID tokens issued in it (Back-Channel Logout 1.0 §2.1). */
  readonly sid: string;
  /** The account: the ID tokens' `sub`. */
  readonly accountId: string;
  /** Every client the session signed into, in the order it first did. */
  readonly clientIds: readonly string[];
}

export interface LogoutNotifier {
  /** Records the notifications durably before resolving; delivery happens later. */
  sessionEnded(event: SessionEnded): Promise<void>;
}

/** For servers with no logout channel configured, and for tests of the session side alone. */
export const noLogoutNotifier: LogoutNotifier = { async sessionEnded() {} };
