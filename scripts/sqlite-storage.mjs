/**
 * Cloudflare's Durable Object `SqlStorage` API (`exec(query, ...bindings)` -> cursor with toArray,
 * one, rowsWritten, rowsRead and iteration) over Node's built-in SQLite, so the Review Manager's
 * stores run unchanged in the simulator. One statement per exec, as the stores use it.
 */
import { DatabaseSync } from "node:sqlite";

export function openSqlStorage() {
  const db = new DatabaseSync(":memory:");
  const statements = new Map();
  const prepare = (query) => {
    let entry = statements.get(query);
    if (!entry) {
      const stmt = db.prepare(query);
      const columns = stmt.columns().map((c) => c.name);
      entry = { stmt, columns, writes: /^\s*(insert|update|delete|replace)/i.test(query) };
      statements.set(query, entry);
    }
    return entry;
  };
  return {
    exec(query, ...bindings) {
      const { stmt, columns, writes } = prepare(query);
      let rows = [];
      let written = 0;
      if (columns.length > 0) {
        rows = stmt.all(...bindings);
        if (writes) written = rows.length;
      } else {
        written = Number(stmt.run(...bindings).changes);
      }
      let i = 0;
      return {
        rowsRead: rows.length,
        rowsWritten: written,
        columnNames: columns,
        toArray: () => rows,
        one: () => {
          if (rows.length !== 1) throw new Error(`expected exactly one row, got ${rows.length}`);
          return rows[0];
        },
        raw: () => rows.map((row) => Object.values(row))[Symbol.iterator](),
        next: () => (i < rows.length ? { done: false, value: rows[i++] } : { done: true, value: undefined }),
        [Symbol.iterator]() {
          return rows[Symbol.iterator]();
        },
      };
    },
    get databaseSize() {
      return 0;
    },
    Cursor: Object,
    Statement: Object,
  };
}
