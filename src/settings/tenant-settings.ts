/**
 * TenantSettings: one SQLite Durable Object per tenant (`settings(env, tenant)` in src/platform/rpc.ts).
 * The team (chat user <-> GitHub login, zone, lead, working hours: src/settings/people.ts), how messages
 * reach each person (src/settings/notify-prefs.ts), out-of-office, channel links to
 * GitHub repositories and Linear teams, which of them the tenant's own webhooks have made active (and
 * the Linear organisation they come from: src/settings/webhook-state.ts), review SLA rules and
 * per-channel digest schedules and filters; digest schedules and the tenant's row in the cron index
 * come from its base class (src/settings/digest-settings.ts), review policies and experiments from
 * that one's (src/settings/policy-settings.ts). Writes validate their input and return Outcomes.
 */
import { type ChannelRef, type ChatUserRef, sameUser } from "../chat/platform";
import { resolveSla, type SlaRule } from "../domain/sla";
import type { Env } from "../env";
import { destroyObject } from "../platform/destroy";
import { attempt, ConflictError, NotFoundError, type Outcome } from "../platform/errors";
import { objectName } from "../platform/kept-report";
import { liveChanged } from "../tenants/live";
import { applyPrefs, DigestPrefsStore } from "./digest-prefs";
import { DigestSettings } from "./digest-settings";
import { type Linked, linkIn, type Unlinked, unlinkIn } from "./links";
import {
  type AdminState,
  type ChannelLink,
  type DigestPrefs,
  type DigestPrefsPatch,
  type LinkKind,
  type MemberAvailability,
  type MemberInput,
  normalizeTarget,
  type OooEntry,
  oooActive,
  oooUpcoming,
  type SettingsSummary,
  type SlaInput,
  type TeamMember,
} from "./model";
import {
  applyNotifyPatch,
  applyTeamPatch,
  effectiveNotify,
  NotifyPrefsStore,
  type TeamNotify,
} from "./notify-prefs";
import { OpsChannelStore, type OpsLink } from "./ops-channel";
import {
  availabilityOf,
  type HoursPatch,
  NOT_ON_TEAM,
  type PersonNotify,
  summaryOf,
  updateHours,
} from "./people";
import type { TeamSnapshot } from "./team";
import {
  buildLink,
  buildMember,
  buildOoo,
  buildSla,
  check,
  checkTarget,
  digestPrefsPatchSchema,
  realDateSchema,
} from "./validate";
import {
  type AdmitInput,
  type Admitted,
  type LinearOrgBinding,
  type LinkActivation,
  WebhookStateStore,
} from "./webhook-state";

export class TenantSettings extends DigestSettings {
  private readonly prefs: DigestPrefsStore;
  private readonly ops: OpsChannelStore;
  private readonly hooks: WebhookStateStore;
  private readonly notify: NotifyPrefsStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.prefs = new DigestPrefsStore(ctx.storage.sql);
    this.ops = new OpsChannelStore(ctx.storage.sql);
    this.hooks = new WebhookStateStore(ctx.storage.sql);
    this.notify = new NotifyPrefsStore(ctx.storage.sql);
  }

  /** Tenant deletion: wipes this object's storage and alarm, then resets it (src/platform/destroy.ts). */
  async destroy(): Promise<void> {
    await destroyObject(this.ctx);
  }

  // --------------------------------------------------------------------- team

  /** A team or out-of-office write that went through: the tenant's live dashboards refetch (src/tenants/live.ts). */
  private async teamWritten<T>(written: Promise<Outcome<T>>): Promise<Outcome<T>> {
    const outcome = await written;
    if (outcome.ok) this.ctx.waitUntil(liveChanged(this.env, objectName(this.ctx), ["team", "overview"]));
    return outcome;
  }

  /** Adds a member, or updates an existing one (an omitted zone keeps theirs). 409 on a taken login. */
  async addMember(
    input: MemberInput,
    by: string,
  ): Promise<Outcome<{ member: TeamMember; previous: TeamMember | null }>> {
    return this.teamWritten(
      attempt(() => {
        const previous = this.store.member(input.user);
        const member = buildMember(input, previous, by);
        const owner = this.store.memberByGithub(member.github);
        if (owner && !sameUser(owner.user, member.user)) {
          throw new ConflictError(`GitHub login ${member.github} already belongs to another team member`, {
            user: owner.user,
          });
        }
        this.store.upsertMember(member);
        return { member, previous };
      }),
    );
  }

  async removeMember(user: ChatUserRef): Promise<Outcome<TeamMember>> {
    return this.teamWritten(
      attempt(() => {
        const member = this.store.member(user);
        if (!member) throw new NotFoundError(`${user.platform} user ${user.id} is not on the team`);
        this.store.deleteMember(user);
        this.notify.deleteOwn(user);
        return member;
      }),
    );
  }

  /** Changes only a member's working hours and/or zone (validated); 404 when they are not on the team. */
  async setMemberHours(
    user: ChatUserRef,
    patch: HoursPatch,
    by: string,
  ): Promise<Outcome<{ member: TeamMember; previous: TeamMember }>> {
    return this.teamWritten(attempt(() => updateHours(this.store, user, patch, by)));
  }

  async team(): Promise<TeamMember[]> {
    return this.store.members();
  }

  /** The team and its version stamp; `members` null when `version` is the current one (src/settings/team.ts). */
  async teamSince(version: string | null): Promise<TeamSnapshot> {
    const current = this.store.teamVersion();
    return { version: current, members: version === current ? null : this.store.members() };
  }

  async member(user: ChatUserRef): Promise<TeamMember | null> {
    return this.store.member(user);
  }

  async memberByGithub(login: string): Promise<TeamMember | null> {
    return this.store.memberByGithub(login);
  }

  async adminState(user: ChatUserRef): Promise<AdminState> {
    const leads = this.store.leads();
    return { isLead: leads.some((l) => sameUser(l, user)), leads };
  }

  /** Every member with their local date at `at` (ISO time), their absences and how messages reach them. */
  async availability(at: string): Promise<MemberAvailability[]> {
    return availabilityOf(this.store.members(), this.store.allOoo(), this.notify, new Date(at));
  }

  // ----------------------------------------------------------------- notify

  /** A member's own notify choices, the team's, and what applies (null member: not on the team). */
  async notifyPrefs(user: ChatUserRef): Promise<PersonNotify> {
    const member = this.store.member(user);
    const own = this.notify.own(user);
    const team = this.notify.team();
    return { member, own, team, effective: effectiveNotify(own, team) };
  }

  /** Changes a member's own notify choices (validated); 404 when they are not on the team. */
  async setNotifyPrefs(user: ChatUserRef, patch: unknown, by: string): Promise<Outcome<PersonNotify>> {
    return attempt(() => {
      const member = this.store.member(user);
      if (!member) throw new NotFoundError(NOT_ON_TEAM);
      const own = applyNotifyPatch(this.notify.own(user), patch);
      this.notify.putOwn(user, own, by, new Date().toISOString());
      const team = this.notify.team();
      return { member, own, team, effective: effectiveNotify(own, team) };
    });
  }

  async teamNotify(): Promise<TeamNotify> {
    return this.notify.team();
  }

  /** Changes the team's notify defaults or holidays (validated). */
  async setTeamNotify(patch: unknown, by: string): Promise<Outcome<TeamNotify>> {
    return attempt(() => {
      const team = applyTeamPatch(this.notify.team(), patch, by, new Date().toISOString());
      this.notify.putTeam(team);
      return team;
    });
  }

  // ------------------------------------------------------------ out of office

  /** Marks a user out of office from `from` (null: now) until `until` (null: until back), inclusive. */
  async setOoo(
    user: ChatUserRef,
    until: string | null,
    by: string,
    from: string | null = null,
  ): Promise<Outcome<{ entry: OooEntry; previous: OooEntry | null }>> {
    return this.teamWritten(
      attempt(() => {
        const entry = buildOoo(user, { from, until }, by);
        const previous = this.store.ooo(entry.user);
        this.store.putOoo(entry);
        return { entry, previous };
      }),
    );
  }

  /** Marks a user back: `cleared` is the entry in force on `date`, `cancelled` one starting after it. */
  async clearOoo(
    user: ChatUserRef,
    date: string,
  ): Promise<Outcome<{ cleared: OooEntry | null; cancelled: OooEntry | null }>> {
    return this.teamWritten(
      attempt(() => {
        const day = check(realDateSchema, date, "date");
        const entry = this.store.ooo(user);
        this.store.deleteOoo(user);
        const cleared = entry && oooActive(entry, day) ? entry : null;
        return { cleared, cancelled: entry && oooUpcoming(entry, day) ? entry : null };
      }),
    );
  }

  /** Entries in force on `date` (YYYY-MM-DD). */
  async outOfOfficeOn(date: string): Promise<OooEntry[]> {
    return this.store.allOoo().filter((e) => oooActive(e, date));
  }

  // -------------------------------------------------------------------- links

  /**
   * Links a repository or Linear team to a channel (idempotent: `created` false if it was).
   * `activeSince`: when a delivery signed with the tenant's secret first arrived for it (null: waiting).
   */
  async link(kind: LinkKind, target: string, channel: ChannelRef, by: string): Promise<Outcome<Linked>> {
    return attempt(() => linkIn(this.store, this.hooks, buildLink(kind, target, channel, by)));
  }

  /** Unlinks from one channel; 404 if it is not linked there. `elsewhere`: channels still linked. */
  async unlink(kind: LinkKind, target: string, channel: ChannelRef): Promise<Outcome<Unlinked>> {
    return attempt(() => unlinkIn(this.store, this.hooks, kind, checkTarget(kind, target), channel));
  }

  async links(): Promise<ChannelLink[]> {
    return this.store.links();
  }

  async linksForChannel(channel: ChannelRef): Promise<ChannelLink[]> {
    return this.store.links({ channel });
  }

  async linksForTarget(kind: LinkKind, target: string): Promise<ChannelLink[]> {
    return this.store.links({ kind, target: normalizeTarget(kind, target) });
  }

  // --------------------------------------------------------- webhook state

  /**
   * A verified delivery at this tenant's hook (or, for the default tenant, the deployment's seed URL)
   * asks which of its targets the tenant links; those become active. Linear: the first delivery handed
   * over binds its organisation; one from another organisation is refused (403) and changes nothing.
   * Nothing is written when no target is linked.
   */
  async admitDelivery(input: AdmitInput): Promise<Outcome<Admitted>> {
    return attempt(() => {
      const targets = input.targets.map((t) => normalizeTarget(input.kind, t));
      return this.hooks.admit({ ...input, targets }, new Date().toISOString());
    });
  }

  /** Which links are active (since when, through which URL); all kinds when `kind` is omitted. */
  async linkActivations(kind?: LinkKind): Promise<LinkActivation[]> {
    return this.hooks.activations(kind);
  }

  /** The Linear organisation the tenant's Linear deliveries are bound to, or null. */
  async linearOrganization(): Promise<LinearOrgBinding | null> {
    return this.hooks.linearOrg();
  }

  /** Unbinds the Linear organisation (moving to another Linear workspace); answers the one it was. */
  async resetLinearOrganization(): Promise<LinearOrgBinding | null> {
    return this.hooks.clearLinearOrg();
  }

  /** The channel alerts go to (`link ops`), or null. */
  async opsChannel(): Promise<ChannelRef | null> {
    return this.ops.get()?.channel ?? null;
  }

  /** Makes `channel` the ops channel (moving it from another); `previous` is the one before. */
  async setOpsChannel(
    channel: ChannelRef,
    by: string,
  ): Promise<Outcome<{ link: OpsLink; previous: OpsLink | null }>> {
    return attempt(() => {
      const previous = this.ops.get();
      return { link: this.ops.put(channel, by), previous };
    });
  }

  /** Stops sending alerts to `channel`; 404 if it is not the ops channel. */
  async clearOpsChannel(channel: ChannelRef): Promise<Outcome<OpsLink>> {
    return attempt(() => this.ops.clearIn(channel));
  }

  // ---------------------------------------------------------------- SLA rules

  /** Sets the rule for a scope (none, repo, label, or both), replacing the one of the same scope. */
  async setSla(input: SlaInput, by: string): Promise<Outcome<{ rule: SlaRule; previous: SlaRule | null }>> {
    return attempt(() => {
      const rule = buildSla(input, by);
      const previous = this.store.slaRuleOfScope(rule);
      this.store.putSla(rule);
      return { rule, previous };
    });
  }

  /** Stored rules, most specific first, plus the built-in 8 h rule while no unscoped rule is set. */
  async slaRules(): Promise<SlaRule[]> {
    return this.store.slaRulesWithDefault();
  }

  /** The rule that applies to a pull request in `repo` with `labels`. */
  async slaFor(repo: string, labels: string[]): Promise<SlaRule> {
    return resolveSla(this.store.slaRulesWithDefault(), repo, labels);
  }

  // ----------------------------------------------------------- digest filters

  /** This channel's digest filters (the defaults when never set). */
  async digestPrefs(channel: ChannelRef): Promise<DigestPrefs> {
    return this.prefs.get(channel);
  }

  /** Changes this channel's digest filters (over the defaults with `reset`); returns before and after. */
  async setDigestPrefs(
    channel: ChannelRef,
    patch: DigestPrefsPatch,
    reset: boolean,
    by: string,
  ): Promise<Outcome<{ prefs: DigestPrefs; previous: DigestPrefs }>> {
    return attempt(() => {
      const checked = check(digestPrefsPatchSchema, patch, "digest filter");
      const previous = this.prefs.get(channel);
      const prefs = applyPrefs(previous, checked, reset, by, new Date().toISOString());
      this.prefs.put(channel, prefs);
      return { prefs, previous };
    });
  }

  // ------------------------------------------------------------------ summary

  /** Team size, leads, who is out, this channel's links and digest: what `status` shows, in one call. */
  async summary(channel: ChannelRef, at: string): Promise<SettingsSummary> {
    return summaryOf(this.store, await this.availability(at), channel);
  }
}
