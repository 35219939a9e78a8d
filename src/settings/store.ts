/** The TenantSettings SQLite tables: members, out-of-office, channel links, SLA rules, digests. */

import type { ChannelRef, ChatPlatform, ChatUserRef } from "../chat/platform";
import { DEFAULT_SLA_RULE, type SlaRule, specificity } from "../domain/sla";
import type { Weekday } from "../domain/time";
import { randomId } from "../platform/ids";
import { all, first, parseJson, run } from "../platform/sql";
import {
  type ChannelLink,
  DEFAULT_WORKING_HOURS,
  type DigestSchedule,
  type LinkKind,
  type OooEntry,
  type TeamMember,
  type WorkingHours,
} from "./model";

type MemberRow = {
  platform: string;
  user_id: string;
  name: string | null;
  github: string;
  tz: string;
  lead: number;
  hours: string;
  added_by: string;
  added_at: string;
  updated_at: string;
};
type OooRow = {
  platform: string;
  user_id: string;
  name: string | null;
  /** Added after the first release: absent (null) in rows stored before it. */
  from_date: string | null;
  until: string | null;
  set_by: string;
  set_at: string;
};
type ChannelCols = { platform: string; workspace_id: string; channel_id: string };
type LinkRow = ChannelCols & { kind: string; target: string; linked_by: string; linked_at: string };
type SlaRow = { repo: string; label: string; hours: number; set_by: string; set_at: string };
type DigestRow = ChannelCols & {
  time: string;
  tz: string;
  days: string;
  set_by: string;
  set_at: string;
  last_slot_ms: number | null;
};

/** A digest schedule and the newest slot the cron has handled for it (posted, or logged as missed). */
export interface DigestSlotState {
  schedule: DigestSchedule;
  lastPostedSlotMs: number | null;
}

const CHANNEL_WHERE = "platform = ? AND workspace_id = ? AND channel_id = ?";
const channelArgs = (c: ChannelRef) => [c.platform, c.workspaceId, c.channelId];
const platformOf = (p: string): ChatPlatform => (p === "discord" ? "discord" : "slack");
const userOf = (platform: string, id: string, name: string | null): ChatUserRef =>
  name ? { platform: platformOf(platform), id, name } : { platform: platformOf(platform), id };
const channelOf = (r: ChannelCols): ChannelRef => ({
  platform: platformOf(r.platform),
  workspaceId: r.workspace_id,
  channelId: r.channel_id,
});

export class SettingsStore {
  /**
   * The team, read once and kept until a member is written; `teamVersion` stamps it (this object's
   * life plus a count of writes), so a reader elsewhere can keep its copy while the stamp is the same.
   */
  private team: TeamMember[] | null = null;
  private readonly life = randomId("t", 12);
  private teamWrites = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS members (
      platform TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, github TEXT NOT NULL COLLATE NOCASE UNIQUE,
      tz TEXT NOT NULL, lead INTEGER NOT NULL, hours TEXT NOT NULL, added_by TEXT NOT NULL,
      added_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (platform, user_id))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS ooo (
      platform TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT, until TEXT, set_by TEXT NOT NULL,
      set_at TEXT NOT NULL, PRIMARY KEY (platform, user_id))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS links (
      kind TEXT NOT NULL, target TEXT NOT NULL, platform TEXT NOT NULL, workspace_id TEXT NOT NULL,
      channel_id TEXT NOT NULL, linked_by TEXT NOT NULL, linked_at TEXT NOT NULL,
      PRIMARY KEY (kind, target, platform, workspace_id, channel_id))`);
    sql.exec("CREATE INDEX IF NOT EXISTS links_channel ON links (platform, workspace_id, channel_id)");
    sql.exec(`CREATE TABLE IF NOT EXISTS sla_rules (
      repo TEXT NOT NULL, label TEXT NOT NULL COLLATE NOCASE, hours REAL NOT NULL, set_by TEXT NOT NULL,
      set_at TEXT NOT NULL, PRIMARY KEY (repo, label))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS digests (
      platform TEXT NOT NULL, workspace_id TEXT NOT NULL, channel_id TEXT NOT NULL, time TEXT NOT NULL,
      tz TEXT NOT NULL, days TEXT NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL,
      PRIMARY KEY (platform, workspace_id, channel_id))`);
    // Added after the first release: the newest slot the digest cron handled (epoch ms).
    if (!sql.exec("SELECT * FROM digests LIMIT 0").columnNames.includes("last_slot_ms")) {
      sql.exec("ALTER TABLE digests ADD COLUMN last_slot_ms INTEGER");
    }
    // Added for planned absences: the first day out (YYYY-MM-DD); NULL: in force from when it was set.
    if (!sql.exec("SELECT * FROM ooo LIMIT 0").columnNames.includes("from_date")) {
      sql.exec("ALTER TABLE ooo ADD COLUMN from_date TEXT");
    }
  }

  // ------------------------------------------------------------------ members

  members(): TeamMember[] {
    this.team ??= all<MemberRow>(this.sql, "SELECT * FROM members ORDER BY added_at, user_id").map(toMember);
    return [...this.team];
  }

  /** Changes whenever a member is added, changed or removed (and when this object starts again). */
  teamVersion(): string {
    return `${this.life}.${this.teamWrites}`;
  }

  private teamChanged(): void {
    this.team = null;
    this.teamWrites++;
  }

  member(user: ChatUserRef): TeamMember | null {
    const row = first<MemberRow>(
      this.sql,
      "SELECT * FROM members WHERE platform = ? AND user_id = ?",
      user.platform,
      user.id,
    );
    return row ? toMember(row) : null;
  }

  memberByGithub(login: string): TeamMember | null {
    const row = first<MemberRow>(this.sql, "SELECT * FROM members WHERE github = ?", login);
    return row ? toMember(row) : null;
  }

  leads(): ChatUserRef[] {
    return this.members()
      .filter((m) => m.lead)
      .map((m) => m.user);
  }

  upsertMember(m: TeamMember): void {
    run(
      this.sql,
      `INSERT INTO members (platform, user_id, name, github, tz, lead, hours, added_by, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(platform, user_id) DO UPDATE SET name = excluded.name, github = excluded.github,
         tz = excluded.tz, lead = excluded.lead, hours = excluded.hours, updated_at = excluded.updated_at`,
      m.user.platform,
      m.user.id,
      m.user.name ?? null,
      m.github,
      m.tz,
      m.lead ? 1 : 0,
      JSON.stringify(m.workingHours),
      m.addedBy,
      m.addedAt,
      m.updatedAt,
    );
    this.teamChanged();
  }

  deleteMember(user: ChatUserRef): number {
    this.teamChanged();
    return run(this.sql, "DELETE FROM members WHERE platform = ? AND user_id = ?", user.platform, user.id);
  }

  // ------------------------------------------------------------ out of office

  ooo(user: ChatUserRef): OooEntry | null {
    const row = first<OooRow>(
      this.sql,
      "SELECT * FROM ooo WHERE platform = ? AND user_id = ?",
      user.platform,
      user.id,
    );
    return row ? toOoo(row) : null;
  }

  allOoo(): OooEntry[] {
    return all<OooRow>(this.sql, "SELECT * FROM ooo ORDER BY set_at").map(toOoo);
  }

  putOoo(e: OooEntry): void {
    run(
      this.sql,
      "INSERT OR REPLACE INTO ooo (platform, user_id, name, from_date, until, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.user.platform,
      e.user.id,
      e.user.name ?? null,
      e.from,
      e.until,
      e.setBy,
      e.setAt,
    );
  }

  deleteOoo(user: ChatUserRef): number {
    return run(this.sql, "DELETE FROM ooo WHERE platform = ? AND user_id = ?", user.platform, user.id);
  }

  // -------------------------------------------------------------------- links

  links(filter: { channel?: ChannelRef; kind?: LinkKind; target?: string } = {}): ChannelLink[] {
    const where: string[] = [];
    const args: string[] = [];
    if (filter.channel) {
      where.push(CHANNEL_WHERE);
      args.push(...channelArgs(filter.channel));
    }
    if (filter.kind) {
      where.push("kind = ?");
      args.push(filter.kind);
    }
    if (filter.target !== undefined) {
      where.push("target = ?");
      args.push(filter.target);
    }
    const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
    return all<LinkRow>(
      this.sql,
      `SELECT * FROM links ${clause} ORDER BY kind, target, linked_at`,
      ...args,
    ).map((r) => ({
      kind: r.kind === "linear" ? "linear" : "github",
      target: r.target,
      channel: channelOf(r),
      linkedBy: r.linked_by,
      linkedAt: r.linked_at,
    }));
  }

  insertLink(l: ChannelLink): boolean {
    return (
      run(
        this.sql,
        `INSERT OR IGNORE INTO links (kind, target, platform, workspace_id, channel_id, linked_by, linked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        l.kind,
        l.target,
        ...channelArgs(l.channel),
        l.linkedBy,
        l.linkedAt,
      ) > 0
    );
  }

  deleteLink(kind: LinkKind, target: string, channel: ChannelRef): number {
    return run(
      this.sql,
      `DELETE FROM links WHERE kind = ? AND target = ? AND ${CHANNEL_WHERE}`,
      kind,
      target,
      ...channelArgs(channel),
    );
  }

  // ---------------------------------------------------------------- SLA rules

  /** The SLA rules, most specific first, with the built-in default while no unscoped rule is set. */
  slaRulesWithDefault(): SlaRule[] {
    const stored = this.slaRules();
    const rules = stored.some((r) => r.repo === null && r.label === null)
      ? stored
      : [...stored, DEFAULT_SLA_RULE];
    return rules.sort(
      (a, b) =>
        specificity(b) - specificity(a) ||
        (a.repo ?? "").localeCompare(b.repo ?? "") ||
        (a.label ?? "").localeCompare(b.label ?? ""),
    );
  }

  slaRules(): SlaRule[] {
    return all<SlaRow>(this.sql, "SELECT * FROM sla_rules").map((r) => ({
      repo: r.repo === "" ? null : r.repo,
      label: r.label === "" ? null : r.label,
      hours: Number(r.hours),
      isDefault: false,
      setBy: r.set_by,
      setAt: r.set_at,
    }));
  }

  /** The stored rule of `rule`'s scope (the same repository, the same label in any case), or null. */
  slaRuleOfScope(rule: Pick<SlaRule, "repo" | "label">): SlaRule | null {
    const label = rule.label?.toLowerCase();
    return this.slaRules().find((r) => r.repo === rule.repo && r.label?.toLowerCase() === label) ?? null;
  }

  putSla(rule: SlaRule): void {
    run(this.sql, "DELETE FROM sla_rules WHERE repo = ? AND label = ?", rule.repo ?? "", rule.label ?? "");
    run(
      this.sql,
      "INSERT INTO sla_rules (repo, label, hours, set_by, set_at) VALUES (?, ?, ?, ?, ?)",
      rule.repo ?? "",
      rule.label ?? "",
      rule.hours,
      rule.setBy ?? "",
      rule.setAt ?? new Date().toISOString(),
    );
  }

  // ------------------------------------------------------------------ digests

  digests(channel?: ChannelRef): DigestSchedule[] {
    return this.digestRows(channel).map(toDigest);
  }

  digestSlots(): DigestSlotState[] {
    return this.digestRows().map((r) => ({
      schedule: toDigest(r),
      lastPostedSlotMs: r.last_slot_ms === null ? null : Number(r.last_slot_ms),
    }));
  }

  /** Records `slotMs` as the channel's last handled slot unless a newer one is stored; false without a schedule. */
  markDigestSlot(channel: ChannelRef, slotMs: number): boolean {
    run(
      this.sql,
      `UPDATE digests SET last_slot_ms = ? WHERE ${CHANNEL_WHERE} AND (last_slot_ms IS NULL OR last_slot_ms < ?)`,
      slotMs,
      ...channelArgs(channel),
      slotMs,
    );
    return this.digestRows(channel).length > 0;
  }

  private digestRows(channel?: ChannelRef): DigestRow[] {
    return channel
      ? all<DigestRow>(this.sql, `SELECT * FROM digests WHERE ${CHANNEL_WHERE}`, ...channelArgs(channel))
      : all<DigestRow>(this.sql, "SELECT * FROM digests ORDER BY set_at");
  }

  putDigest(d: DigestSchedule): void {
    run(
      this.sql,
      `INSERT OR REPLACE INTO digests (platform, workspace_id, channel_id, time, tz, days, set_by, set_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ...channelArgs(d.channel),
      d.time,
      d.tz,
      JSON.stringify(d.days),
      d.setBy,
      d.setAt,
    );
  }

  deleteDigest(channel: ChannelRef): number {
    return run(this.sql, `DELETE FROM digests WHERE ${CHANNEL_WHERE}`, ...channelArgs(channel));
  }
}

function toMember(r: MemberRow): TeamMember {
  return {
    user: userOf(r.platform, r.user_id, r.name),
    github: r.github,
    tz: r.tz,
    lead: r.lead === 1,
    workingHours: parseJson<WorkingHours>(r.hours, DEFAULT_WORKING_HOURS),
    addedBy: r.added_by,
    addedAt: r.added_at,
    updatedAt: r.updated_at,
  };
}

function toDigest(r: DigestRow): DigestSchedule {
  return {
    channel: channelOf(r),
    time: r.time,
    tz: r.tz,
    days: parseJson<Weekday[]>(r.days, []),
    setBy: r.set_by,
    setAt: r.set_at,
  };
}

function toOoo(r: OooRow): OooEntry {
  return {
    user: userOf(r.platform, r.user_id, r.name),
    from: r.from_date ?? null,
    until: r.until,
    setBy: r.set_by,
    setAt: r.set_at,
  };
}
