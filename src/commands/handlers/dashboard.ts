/**
 * `/foreman dashboard`: a single-use sign-in link to the web dashboard, answered only to the person
 * who asked (ephemeral). The link opens a 12-hour session scoped to this tenant: `admin` for chat
 * admins (src/commands/permissions.ts `isChatAdmin`), `viewer` for everyone else
 * (src/tenants/dashboard-sessions.ts; docs/security.md, "Dashboard sessions").
 */

import { linkButtonId, type Reply, reply } from "../../chat/reply";
import { newSignInLink } from "../../tenants/dashboard-sessions";
import { askerOf } from "../../tenants/hooks";
import type { CommandContext } from "../context";
import { isChatAdmin } from "../permissions";
import type { CommandOf } from "../types";
import { actorKey, code } from "./format";

export async function dashboard(_command: CommandOf<"dashboard">, ctx: CommandContext): Promise<Reply> {
  const origin = askerOf(ctx.env, ctx.requestUrl).origin;
  if (!origin) {
    const text = "I don't know this Foreman's web address, so I can't make a sign-in link.";
    return reply(text, {
      tone: "warning",
      ephemeral: true,
      sections: [{ text, lines: ["An operator can set FOREMAN_PUBLIC_URL to the dashboard's address."] }],
    });
  }
  const role = (await isChatAdmin(ctx)) ? "admin" : "viewer";
  const url = await newSignInLink(ctx.env, { origin, tenant: ctx.tenant, role, actor: actorKey(ctx.actor) });
  const text = "Your sign-in link to the Foreman dashboard is below: it works once, within 10 minutes.";
  const what =
    role === "admin"
      ? "It signs you in as an admin of this team's Foreman (you are a chat admin) for 12 hours."
      : "It signs you in to this team's Foreman to look (viewer) for 12 hours.";
  return reply(text, {
    title: "Sign in to the dashboard",
    ephemeral: true,
    sections: [
      {
        text,
        lines: [
          what,
          "Don't share it: whoever opens it first is signed in as you.",
          `Sign out from the dashboard; on another device, run ${code("/foreman dashboard")} again.`,
        ],
      },
    ],
    buttons: [{ action: linkButtonId("dashboard-signin"), label: "Open the dashboard", url }],
  });
}
