/** What the Pattern Bridge remembers: the opportunities it has suggested (each once). */
import { run } from "../../platform/sql";

export class SuggestionStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS pattern_suggestions (
      key TEXT PRIMARY KEY, pattern TEXT NOT NULL, suggested_at INTEGER NOT NULL)`);
  }

  /** Records a suggestion; true the first time only. */
  claim(key: string, pattern: string, nowMs: number): boolean {
    return (
      run(
        this.sql,
        "INSERT OR IGNORE INTO pattern_suggestions (key, pattern, suggested_at) VALUES (?, ?, ?)",
        key,
        pattern,
        nowMs,
      ) > 0
    );
  }
}
