// Where a database's schema stands against the migrations this code knows: applied, pending, or
// applied by a newer Gatehouse. Both SQL adapters read their history and ask here, so the refusals
// (a schema newer than the code; pending migrations when migrating is off) read the same everywhere.

export interface MigrationInfo {
  version: number;
  /** Empty when the migration does not name itself. */
  name: string;
}

export interface AppliedMigration extends MigrationInfo {
  /** Epoch seconds; null when the history does not say. */
  appliedAt: number | null;
}

export interface SchemaStatus {
  backend: 'sqlite' | 'postgres';
  /** The SQLite file's absolute path (or `:memory:`), or the PostgreSQL schema name. */
  location: string;
  /** False when the SQLite file or the PostgreSQL history table does not exist yet. */
  exists: boolean;
  /** Known to this code and applied, by version. */
  applied: AppliedMigration[];
  /** Known to this code and not applied yet, by version. */
  pending: MigrationInfo[];
  /** Applied, but unknown to this code: the schema was migrated by a newer Gatehouse. */
  unknown: AppliedMigration[];
  /** The highest version applied (0 for none), and the highest this code knows. */
  databaseVersion: number;
  codeVersion: number;
}

export function schemaStatus(
  where: Pick<SchemaStatus, 'backend' | 'location' | 'exists'>,
  known: readonly MigrationInfo[],
  history: readonly AppliedMigration[],
): SchemaStatus {
  const knownVersions = new Set(known.map((m) => m.version));
  const byVersion = new Map(history.map((m) => [m.version, m]));
  const byNumber = (a: MigrationInfo, b: MigrationInfo) => a.version - b.version;
  return {
    ...where,
    applied: known.filter((m) => byVersion.has(m.version))
      .map((m) => ({ ...m, appliedAt: byVersion.get(m.version)?.appliedAt ?? null })).sort(byNumber),
    pending: known.filter((m) => !byVersion.has(m.version)).map((m) => ({ ...m })).sort(byNumber),
    unknown: history.filter((m) => !knownVersions.has(m.version)).sort(byNumber),
    databaseVersion: Math.max(0, ...history.map((m) => m.version)),
    codeVersion: Math.max(0, ...known.map((m) => m.version)),
  };
}

const describe = (status: SchemaStatus) =>
  status.backend === 'sqlite' ? `the SQLite database ${status.location}` : `PostgreSQL schema ${status.location}`;

/** The database was migrated by a newer Gatehouse: running this code against it could corrupt it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(status: SchemaStatus) {
    super(`${describe(status)} is at schema version ${status.databaseVersion}, newer than this Gatehouse, which knows versions up to `
      + `${status.codeVersion}: run the Gatehouse release that migrated it, or a newer one`);
  }
}

/** Migrating on open is off and the schema is behind the code. */
export class MigrationsPendingError extends Error {
  override readonly name = 'MigrationsPendingError';
  constructor(status: SchemaStatus) {
    const count = status.pending.length;
    const where = status.exists
      ? `${describe(status)} is at schema version ${status.databaseVersion} but this Gatehouse needs version ${status.codeVersion} `
        + `(${count} migration${count === 1 ? '' : 's'} pending)`
      : `${describe(status)} has no Gatehouse schema yet`;
    super(`${where} and migrating on open is off (--no-migrate or "migrate": false): run 'gatehouse migrate' first`);
  }
}

/**
 * Refuses a schema newer than the code, always; and, when the caller will not migrate, a schema
 * with pending migrations.
 */
export function assertSchemaUsable(status: SchemaStatus, { migrate }: { migrate: boolean }): void {
  if (status.unknown.length > 0) throw new SchemaTooNewError(status);
  if (!migrate && status.pending.length > 0) throw new MigrationsPendingError(status);
}
