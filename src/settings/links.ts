/** Linking and unlinking repositories and Linear teams to channels, over TenantSettings' stores. */
import { type ChannelRef, sameChannel } from "../chat/platform";
import { NotFoundError } from "../platform/errors";
import type { ChannelLink, LinkKind } from "./model";
import type { SettingsStore } from "./store";
import type { WebhookStateStore } from "./webhook-state";

/** Stores `link` (idempotent: `created` false if it was); `activeSince`: first signed delivery, or null. */
export interface Linked {
  link: ChannelLink;
  created: boolean;
  elsewhere: ChannelRef[];
  activeSince: string | null;
}

export interface Unlinked {
  removed: ChannelLink;
  elsewhere: ChannelRef[];
}

export function linkIn(store: SettingsStore, hooks: WebhookStateStore, link: ChannelLink): Linked {
  const { kind, target } = link;
  const created = store.insertLink(link);
  // A target linked anew may have been remembered as not linked by a delivery (webhook-state.ts).
  if (created) hooks.linksChanged();
  const all = store.links({ kind, target });
  const stored = all.find((l) => sameChannel(l.channel, link.channel)) ?? link;
  const elsewhere = all.filter((l) => !sameChannel(l.channel, link.channel)).map((l) => l.channel);
  const activeSince = hooks.activations(kind).find((a) => a.target === target)?.activatedAt ?? null;
  return { link: stored, created, elsewhere, activeSince };
}

/** Unlinks `target` (normalised) from one channel; 404 if it is not linked there. */
export function unlinkIn(
  store: SettingsStore,
  hooks: WebhookStateStore,
  kind: LinkKind,
  target: string,
  channel: ChannelRef,
): Unlinked {
  const all = store.links({ kind, target });
  const removed = all.find((l) => sameChannel(l.channel, channel));
  const elsewhere = all.filter((l) => !sameChannel(l.channel, channel)).map((l) => l.channel);
  if (!removed) {
    throw new NotFoundError(
      `${kind === "github" ? "GitHub" : "Linear"} ${target} is not linked to this channel`,
    );
  }
  store.deleteLink(kind, target, channel);
  if (elsewhere.length === 0) hooks.forget(kind, target);
  return { removed, elsewhere };
}
