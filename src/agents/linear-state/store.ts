/**
 * The linear-state agent's SQLite tables: pull requests it has seen, PR <-> issue links, Linear
 * issue snapshots from webhooks, and the state moves it has asked for (one per issue, PR and
 * transition, so a redelivered or repeated PR event never moves an issue twice).
 */
import type { IssueKeyRef, IssueKeyRelation, IssueKeySource } from "../../events/issue-keys";
import { all, first, iso, parseJson, run } from "../../platform/sql";
import type { IssueSnapshot, PrIssueLink, PrRecord, PrState, StateMove, Transition } from "./types";

type LinkRow = {
  repo: string;
  number: number;
  issue: string;
  team_key: string;
  relation: string;
  sources: string;
  linked_at: number;
  updated_at: number;
  posted_at: number | null;
  title: string;
  url: string;
  branch: string;
  state: string;
  draft: number;
  pr_updated_at: string;
};
type PrRow = Pick<
  LinkRow,
  "repo" | "number" | "title" | "url" | "branch" | "state" | "draft" | "pr_updated_at"
>;
type IssueRow = {
  identifier: string;
  id: string;
  team_key: string;
  title: string;
  url: string;
  state_id: string | null;
  state_name: string | null;
  state_type: string | null;
  updated_at: string;
};
type MoveRow = {
  issue: string;
  repo: string;
  number: number;
  transition: string;
  state_name: string;
  delivery_key: string;
  delivery_id: string;
  moved_at: number;
};

const LINKS_WITH_PR = `SELECT l.*, p.title, p.url, p.branch, p.state, p.draft, p.pr_updated_at
  FROM ls_links l JOIN ls_prs p ON p.repo = l.repo AND p.number = l.number`;

export class LinearStateStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ls_prs (
      repo TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL,
      branch TEXT NOT NULL, state TEXT NOT NULL, draft INTEGER NOT NULL, pr_updated_at TEXT NOT NULL,
      PRIMARY KEY (repo, number))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS ls_links (
      repo TEXT NOT NULL, number INTEGER NOT NULL, issue TEXT NOT NULL, team_key TEXT NOT NULL,
      relation TEXT NOT NULL, sources TEXT NOT NULL, linked_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, posted_at INTEGER,
      PRIMARY KEY (repo, number, issue))`);
    sql.exec("CREATE INDEX IF NOT EXISTS ls_links_issue ON ls_links (issue)");
    sql.exec(`CREATE TABLE IF NOT EXISTS ls_issues (
      identifier TEXT PRIMARY KEY, id TEXT NOT NULL, team_key TEXT NOT NULL, title TEXT NOT NULL,
      url TEXT NOT NULL, state_id TEXT, state_name TEXT, state_type TEXT, updated_at TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS ls_moves (
      issue TEXT NOT NULL, repo TEXT NOT NULL, number INTEGER NOT NULL, transition TEXT NOT NULL,
      state_name TEXT NOT NULL, delivery_key TEXT NOT NULL, delivery_id TEXT NOT NULL,
      moved_at INTEGER NOT NULL, PRIMARY KEY (issue, repo, number, transition))`);
  }

  // ---------------------------------------------------------------- PRs and links

  pr(repo: string, number: number): PrRecord | null {
    const row = first<PrRow>(this.sql, "SELECT * FROM ls_prs WHERE repo = ? AND number = ?", repo, number);
    return row ? toPr(row) : null;
  }

  upsertPr(pr: PrRecord): void {
    run(
      this.sql,
      `INSERT INTO ls_prs (repo, number, title, url, branch, state, draft, pr_updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (repo, number) DO UPDATE SET title = excluded.title, url = excluded.url,
         branch = excluded.branch, state = excluded.state, draft = excluded.draft,
         pr_updated_at = excluded.pr_updated_at`,
      pr.repo,
      pr.number,
      pr.title,
      pr.url,
      pr.branch,
      pr.state,
      pr.draft ? 1 : 0,
      pr.updatedAt,
    );
  }

  /** Makes the PR's links exactly `refs`: new keys linked, relations and sources refreshed, gone keys dropped. */
  syncLinks(repo: string, number: number, refs: readonly IssueKeyRef[], now: number): PrIssueLink[] {
    const keep = new Set(refs.map((r) => r.key));
    for (const link of this.links({ repo, number })) {
      if (!keep.has(link.issue)) {
        run(
          this.sql,
          "DELETE FROM ls_links WHERE repo = ? AND number = ? AND issue = ?",
          repo,
          number,
          link.issue,
        );
      }
    }
    for (const ref of refs) {
      run(
        this.sql,
        `INSERT INTO ls_links (repo, number, issue, team_key, relation, sources, linked_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, number, issue) DO UPDATE SET relation = excluded.relation,
           sources = excluded.sources, updated_at = excluded.updated_at`,
        repo,
        number,
        ref.key,
        ref.teamKey,
        ref.relation,
        JSON.stringify(ref.sources),
        now,
        now,
      );
    }
    return this.links({ repo, number });
  }

  markPosted(repo: string, number: number, issue: string, now: number): void {
    run(
      this.sql,
      "UPDATE ls_links SET posted_at = ? WHERE repo = ? AND number = ? AND issue = ?",
      now,
      repo,
      number,
      issue,
    );
  }

  /** Links of one PR, or of one issue (newest PR activity first). */
  links(filter: { repo: string; number: number } | { issue: string }): PrIssueLink[] {
    const rows =
      "issue" in filter
        ? all<LinkRow>(
            this.sql,
            `${LINKS_WITH_PR} WHERE l.issue = ? ORDER BY p.pr_updated_at DESC`,
            filter.issue,
          )
        : all<LinkRow>(
            this.sql,
            `${LINKS_WITH_PR} WHERE l.repo = ? AND l.number = ? ORDER BY l.linked_at, l.rowid`,
            filter.repo,
            filter.number,
          );
    return rows.map(toLink);
  }

  // ---------------------------------------------------------------------- moves

  hasMove(issue: string, repo: string, number: number, transition: Transition): boolean {
    const sql = "SELECT 1 AS x FROM ls_moves WHERE issue = ? AND repo = ? AND number = ? AND transition = ?";
    return first(this.sql, sql, issue, repo, number, transition) !== null;
  }

  recordMove(move: Omit<StateMove, "movedAt">, now: number): void {
    run(
      this.sql,
      `INSERT OR IGNORE INTO ls_moves (issue, repo, number, transition, state_name, delivery_key, delivery_id, moved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      move.issue,
      move.repo,
      move.number,
      move.transition,
      move.stateName,
      move.deliveryKey,
      move.deliveryId,
      now,
    );
  }

  moves(filter: { repo: string; number: number } | { issue: string }): StateMove[] {
    const rows =
      "issue" in filter
        ? all<MoveRow>(this.sql, "SELECT * FROM ls_moves WHERE issue = ? ORDER BY moved_at", filter.issue)
        : all<MoveRow>(
            this.sql,
            "SELECT * FROM ls_moves WHERE repo = ? AND number = ? ORDER BY moved_at",
            filter.repo,
            filter.number,
          );
    return rows.map((r) => ({
      issue: r.issue,
      repo: r.repo,
      number: r.number,
      transition: r.transition as Transition,
      stateName: r.state_name,
      deliveryKey: r.delivery_key,
      deliveryId: r.delivery_id,
      movedAt: iso(r.moved_at),
    }));
  }

  // ------------------------------------------------------------- issue snapshots

  issue(identifier: string): IssueSnapshot | null {
    const row = first<IssueRow>(this.sql, "SELECT * FROM ls_issues WHERE identifier = ?", identifier);
    if (!row) return null;
    const state =
      row.state_id !== null
        ? { id: row.state_id, name: row.state_name ?? "", type: row.state_type ?? "" }
        : null;
    const { identifier: id0, id, team_key, title, url, updated_at } = row;
    return { identifier: id0, id, teamKey: team_key, title, url, state, updatedAt: updated_at };
  }

  /** Stores the snapshot unless a newer one is stored; false when `snapshot` is stale. */
  upsertIssue(snapshot: IssueSnapshot): boolean {
    const current = this.issue(snapshot.identifier);
    if (current && Date.parse(current.updatedAt) > Date.parse(snapshot.updatedAt)) return false;
    run(
      this.sql,
      `INSERT OR REPLACE INTO ls_issues (identifier, id, team_key, title, url, state_id, state_name, state_type, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      snapshot.identifier,
      snapshot.id,
      snapshot.teamKey,
      snapshot.title,
      snapshot.url,
      snapshot.state?.id ?? null,
      snapshot.state?.name ?? null,
      snapshot.state?.type ?? null,
      snapshot.updatedAt,
    );
    return true;
  }

  removeIssue(identifier: string): void {
    run(this.sql, "DELETE FROM ls_issues WHERE identifier = ?", identifier);
  }
}

function toPr(row: PrRow): PrRecord {
  return {
    repo: row.repo,
    number: row.number,
    title: row.title,
    url: row.url,
    branch: row.branch,
    state: row.state as PrState,
    draft: row.draft === 1,
    updatedAt: row.pr_updated_at,
  };
}

function toLink(row: LinkRow): PrIssueLink {
  const { repo: _repo, number: _number, ...pr } = toPr(row);
  return {
    repo: row.repo,
    number: row.number,
    issue: row.issue,
    teamKey: row.team_key,
    relation: row.relation as IssueKeyRelation,
    sources: parseJson<IssueKeySource[]>(row.sources, []),
    linkedAt: iso(row.linked_at),
    updatedAt: iso(row.updated_at),
    postedAt: row.posted_at === null ? null : iso(row.posted_at),
    pr,
  };
}
