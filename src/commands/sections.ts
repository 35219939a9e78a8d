/** How the commands are grouped and ordered for people: help sections and group descriptions. Pure data. */

export const GROUP_DESCRIPTIONS: Readonly<Record<string, string>> = {
  workflow: "Create, list and terminate workflows",
  agent: "Spawn and control agents",
  me: "Your page, working hours and zone, and how messages reach you: mode, focus time, holidays",
  team: "Manage the team roster and team holidays",
  settings: "Team-wide settings: how messages reach people by default",
  link: "Link a GitHub repository, a Linear team or the alerts (ops) to this channel",
  unlink: "Unlink a GitHub repository, a Linear team or the alerts (ops)",
  review: "Pull requests waiting for review",
  sla: "Review SLA",
  digest: "The scheduled digest",
};

/**
 * Help sections, in the order a team meets them: what it uses every day first (reviews, your own
 * page, the team and who is out, digests, review SLAs), then settings (links), the overview, and the workflows and
 * agents behind it all last. Help topics and the Discord command list follow this order too.
 */
export const SECTIONS: readonly { title: string; words: readonly string[] }[] = [
  { title: "Reviews", words: ["review", "insights", "policy"] },
  { title: "You", words: ["me"] },
  { title: "Team", words: ["team", "settings"] },
  { title: "Out of office", words: ["ooo", "back"] },
  { title: "Digest", words: ["digest"] },
  { title: "Review SLA", words: ["sla"] },
  { title: "Links", words: ["link", "unlink", "links"] },
  { title: "Status and help", words: ["setup", "dashboard", "status", "help"] },
  { title: "Workflows", words: ["workflow"] },
  { title: "Agents", words: ["agent"] },
];
