/**
 * Review requests per person in the last 30 days, kept as running counts: a request adds one, and a
 * read first takes off the requests that have left the window since the last read (through the
 * log's index on time). So reading everyone's count costs one row per person plus the rows that
 * expired since — not a scan of the whole window on every assignment. A clock that went back (tests
 * move the agent's clock) counts the window afresh.
 */
import { DAY_MS } from "../../domain/time";
import { all, first, run, tableExists } from "../../platform/sql";

export const WINDOW_MS = 30 * DAY_MS;

export class RequestWindow {
  constructor(private readonly sql: SqlStorage) {
    const fresh = !tableExists(sql, "review_window");
    sql.exec("CREATE TABLE IF NOT EXISTS review_window (login_key TEXT PRIMARY KEY, n INTEGER NOT NULL)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS review_window_cut (id INTEGER PRIMARY KEY CHECK (id = 1), cut INTEGER NOT NULL)",
    );
    if (fresh) this.recount(null);
  }

  /** A request to `loginKey` at `atMs` (not one asking the same person again). */
  add(loginKey: string, atMs: number): void {
    const cut = this.cut();
    if (cut !== null && atMs <= cut) return;
    run(
      this.sql,
      "INSERT INTO review_window (login_key, n) VALUES (?, 1) ON CONFLICT (login_key) DO UPDATE SET n = n + 1",
      loginKey,
    );
  }

  /** Requests per person in the 30 days before `nowMs`. */
  counts(nowMs: number): Map<string, number> {
    const cut = nowMs - WINDOW_MS;
    const last = this.cut();
    if (last === null || cut < last) this.recount(cut);
    else if (cut > last) {
      for (const row of all<{ login_key: string; n: number }>(
        this.sql,
        `SELECT login_key, COUNT(*) AS n FROM review_log INDEXED BY review_log_recent
         WHERE at > ? AND at <= ? AND kind <> 'again' GROUP BY login_key`,
        last,
        cut,
      )) {
        run(
          this.sql,
          "UPDATE review_window SET n = MAX(0, n - ?) WHERE login_key = ?",
          Number(row.n),
          row.login_key,
        );
      }
      this.setCut(cut);
    }
    const rows = all<{ login_key: string; n: number }>(
      this.sql,
      "SELECT login_key, n FROM review_window WHERE n > 0",
    );
    return new Map(rows.map((r) => [r.login_key, Number(r.n)]));
  }

  /** Counts the window ending now from the log (`cut` null: everything the log holds). */
  private recount(cut: number | null): void {
    run(this.sql, "DELETE FROM review_window");
    run(
      this.sql,
      `INSERT INTO review_window (login_key, n) SELECT login_key, COUNT(*) FROM review_log INDEXED BY review_log_recent
       WHERE at > ? AND kind <> 'again' GROUP BY login_key`,
      cut ?? Number.MIN_SAFE_INTEGER,
    );
    if (cut !== null) this.setCut(cut);
  }

  private cut(): number | null {
    return first<{ cut: number }>(this.sql, "SELECT cut FROM review_window_cut WHERE id = 1")?.cut ?? null;
  }

  private setCut(cut: number): void {
    run(this.sql, "INSERT OR REPLACE INTO review_window_cut (id, cut) VALUES (1, ?)", cut);
  }
}
