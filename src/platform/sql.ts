/** Small typed helpers over a Durable Object's SQLite storage. */
export type Row = Record<string, SqlStorageValue>;

export function all<T extends Row>(sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]): T[] {
  return sql.exec<T>(query, ...bindings).toArray();
}

export function first<T extends Row>(
  sql: SqlStorage,
  query: string,
  ...bindings: SqlStorageValue[]
): T | null {
  return sql.exec<T>(query, ...bindings).toArray()[0] ?? null;
}

export function run(sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]): number {
  return sql.exec(query, ...bindings).rowsWritten;
}

export function count(sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]): number {
  const row = first<{ n: number }>(sql, query, ...bindings);
  return row ? Number(row.n) : 0;
}

/** Whether the database has a table of this name. */
export function tableExists(sql: SqlStorage, name: string): boolean {
  return first(sql, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", name) !== null;
}

/** Parses a JSON column written by this code; a corrupt value becomes `fallback`. */
export function parseJson<T>(value: SqlStorageValue, fallback: T): T {
  if (typeof value !== "string") return fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Adds a column to an existing table unless it has it (`definition`: `name TYPE ...`). */
export function addColumn(sql: SqlStorage, table: string, definition: string): void {
  const name = definition.split(/\s+/)[0] ?? "";
  const row = sql
    .exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table)
    .toArray()[0];
  if (!row || new RegExp(`[(,]\\s*${name}\\s`, "i").test(row.sql)) return;
  sql.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`);
}
