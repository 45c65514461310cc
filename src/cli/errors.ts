// The two ways a command fails: bad arguments (exit 2) or a failed operation (exit 1).

/** The command line itself is wrong: unknown option, missing or malformed value. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The arguments were fine but the operation failed, e.g. an unknown client id. Exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;
