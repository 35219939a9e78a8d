/**
 * The linear-state agent: keeps Linear issues in step with their pull requests, like Linear's
 * GitHub integration. PR events link the issues named in the branch, title or body (and show the
 * PR on each issue once); a PR ready for review moves its closing issues to "In Review", a merge
 * moves them to "Done" (names configurable, resolved per team when the delivery runs). Linear
 * state changes of issues with open PRs are announced in the team's linked channels.
 * See docs/linear.md.
 */
import { channelMessage } from "../../chat/post";
import { buildDelivery } from "../../delivery/enqueue";
import type { DeliveryMessage, DeliveryRequest } from "../../delivery/types";
import type { Env } from "../../env";
import { linkedTargets } from "../../settings/model";
import { settings } from "../../settings/stub";
import { BaseAgent } from "../framework/base-agent";
import type { AgentMessage } from "../model";
import { LinearStateConfig } from "./config";
import { LinearIssueEventData, PR_SCAN_KINDS, PrEventData } from "./input";
import {
  doneCandidate,
  isStale,
  type LinearRequest,
  linkKey,
  linkRequest,
  moveKey,
  moveRequest,
  prRecord,
  prRef,
  scanKeys,
  stateNote,
  transitionFor,
} from "./plan";
import { LinearStateStore } from "./store";
import type { IssueSnapshot, LinkedIssue, PrIssueLink, Transition } from "./types";

type PrKey = { repo: string; number: number };

export class LinearStateAgent extends BaseAgent {
  readonly agentType = "linear-state" as const;
  private readonly linear: LinearStateStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.linear = new LinearStateStore(ctx.storage.sql);
  }

  // ------------------------------------------------------------------ RPC

  /** The issues a PR links (closes or references), oldest link first. */
  async linksForPr(repo: string, number: number): Promise<PrIssueLink[]> {
    return this.linear.links({ repo: repo.toLowerCase(), number });
  }

  /** The PR's linked issues with their latest Linear state and the moves made for this PR. */
  async issuesForPr(repo: string, number: number): Promise<LinkedIssue[]> {
    const r = repo.toLowerCase();
    const moves = this.linear.moves({ repo: r, number });
    return this.linear.links({ repo: r, number }).map((link) => ({
      link,
      issue: this.linear.issue(link.issue),
      moves: moves.filter((m) => m.issue === link.issue),
    }));
  }

  /** The PRs linking an issue (`ENG-123`), most recently active first. */
  async prsForIssue(identifier: string): Promise<PrIssueLink[]> {
    return this.linear.links({ issue: identifier.toUpperCase() });
  }

  // --------------------------------------------------------------- events

  protected override async onEvent(
    name: string,
    payload: Record<string, unknown>,
    message: AgentMessage,
  ): Promise<void> {
    await super.onEvent(name, payload, message);
    if (name.startsWith("github.pr.")) {
      const data = PrEventData.safeParse(payload.data);
      if (data.success) await this.onPullRequest(data.data, message.correlationId);
      else if (isScanKind(name.slice("github.".length))) throw new Error(`${name}: unexpected event data`);
    } else if (name.startsWith("linear.issue.")) {
      const data = LinearIssueEventData.safeParse(payload.data);
      if (!data.success) throw new Error(`${name}: unexpected event data`);
      await this.onIssue(data.data, message.correlationId);
    }
  }

  private async onPullRequest(data: PrEventData, correlationId: string): Promise<void> {
    const { tenant, config: raw } = this.require();
    const config = LinearStateConfig.parse(raw);
    const teams = await this.linkedTeamKeys(tenant);
    const pr = prRecord(data);
    const ref = prRef(pr.repo, pr.number);
    if (isStale(this.linear.pr(pr.repo, pr.number), pr)) {
      this.log.add(
        "event",
        `${data.kind} for ${ref} is older than the last seen; ignored`,
        Date.now(),
        correlationId,
      );
      return;
    }
    this.linear.upsertPr(pr);
    const links = this.linear.syncLinks(pr.repo, pr.number, scanKeys(data, teams), Date.now());

    for (const link of links.filter((l) => l.postedAt === null)) {
      const request = linkRequest(config.linkAs, link.issue, link.relation, pr);
      this.deliver(tenant, linkKey(link.issue, pr.repo, pr.number), request, correlationId);
      this.linear.markPosted(pr.repo, pr.number, link.issue, Date.now());
      this.log.add("event", `linked ${ref} to ${link.issue} (${link.relation})`, Date.now(), correlationId);
    }
    if (config.syncPrStates) this.syncStates(tenant, data, pr, links, config, correlationId);
    await this.handOverDeliveries();
  }

  /** Moves the PR's closing issues (in review / done), in the same synchronous step as the links. */
  private syncStates(
    tenant: string,
    data: PrEventData,
    pr: ReturnType<typeof prRecord>,
    links: ReturnType<LinearStateStore["syncLinks"]>,
    config: LinearStateConfig,
    correlationId: string,
  ): void {
    const closing = links.filter((l) => l.relation === "closes").map((l) => l.issue);
    if (data.kind === "pr.closed") {
      for (const issue of closing) {
        const prs = this.linear.links({ issue }).filter((l) => l.relation === "closes");
        const states = prs.map((l) => ({ repo: l.repo, number: l.number, state: l.pr.state }));
        const done = doneCandidate(pr, states, (p) => this.linear.hasMove(issue, p.repo, p.number, "done"));
        if (done) this.move(tenant, issue, done, "done", config, correlationId);
      }
    } else if (transitionFor(data) === "in_review") {
      for (const issue of closing) this.move(tenant, issue, pr, "in_review", config, correlationId);
    }
  }

  /** Records one state move unless this issue, PR and transition already had one. */
  private move(
    tenant: string,
    issue: string,
    pr: PrKey,
    transition: Transition,
    config: LinearStateConfig,
    correlationId: string,
  ): void {
    if (this.linear.hasMove(issue, pr.repo, pr.number, transition)) return;
    const request = moveRequest(issue, transition, config);
    const key = moveKey(issue, pr.repo, pr.number, transition);
    const sent = this.deliver(tenant, key, request, correlationId);
    const stateName = transition === "done" ? config.doneState : config.inReviewState;
    this.linear.recordMove(
      {
        issue,
        repo: pr.repo,
        number: pr.number,
        transition,
        stateName,
        deliveryKey: key,
        deliveryId: sent.id,
      },
      Date.now(),
    );
    const text = `moving ${issue} to "${stateName}" (${prRef(pr.repo, pr.number)} ${transition})`;
    this.log.add("event", text, Date.now(), correlationId);
  }

  private async onIssue(data: LinearIssueEventData, correlationId: string): Promise<void> {
    const { tenant, config: raw } = this.require();
    const config = LinearStateConfig.parse(raw);
    const { issue } = data;
    if (data.kind === "linear.issue.removed") {
      this.linear.removeIssue(issue.identifier);
      return;
    }
    const snapshot: IssueSnapshot = {
      identifier: issue.identifier,
      id: issue.id,
      teamKey: issue.teamKey,
      title: issue.title,
      url: issue.url,
      state: issue.state ? { id: issue.state.id, name: issue.state.name, type: issue.state.type } : null,
      updatedAt: data.at,
    };
    const fresh = this.linear.upsertIssue(snapshot);
    const moved =
      data.kind === "linear.issue.updated" &&
      (data.previousStateId !== null || data.updatedFrom.includes("stateId"));
    if (!fresh || !moved || !config.notifyStateChanges) return;
    const open = this.linear.links({ issue: issue.identifier }).filter((l) => l.pr.state === "open");
    if (open.length === 0 || issue.teamKey === "") return;
    const channels = await settings(this.env, tenant).linksForTarget("linear", issue.teamKey);
    const note = stateNote(snapshot, open);
    for (const { channel } of channels) {
      // Keyed by the change itself: a redelivered webhook, or a second linear-state agent, posts once.
      const key = `linear:note:${issue.identifier}:${snapshot.state?.id ?? "none"}:${data.at}:${channel.platform}:${channel.channelId}`;
      this.record({ tenant, ...channelMessage(channel, note, { key }), key, correlationId });
    }
    await this.handOverDeliveries();
  }

  // -------------------------------------------------------------- helpers

  /** Team keys linked to any channel of the tenant (the only teams whose keys count in PRs). */
  private async linkedTeamKeys(tenant: string): Promise<string[]> {
    return linkedTargets(await settings(this.env, tenant).links(), "linear");
  }

  private deliver(
    tenant: string,
    key: string,
    request: LinearRequest,
    correlationId: string,
  ): DeliveryMessage {
    return this.record({ tenant, platform: "linear", ...request, key, correlationId });
  }

  /** Records a delivery in the agent's ledger (handed over after the step, kept until confirmed). */
  private record(request: DeliveryRequest): DeliveryMessage {
    const message = buildDelivery(request);
    this.deliveries.add(message, Date.now());
    return message;
  }
}

const isScanKind = (kind: string): boolean => (PR_SCAN_KINDS as readonly string[]).includes(kind);
