/**
 * Foreman's dependency rules (docs/architecture.md), checked by `node scripts/check-architecture.mjs`
 * in `npm test` and `npm run lint`. They are checked on the transpiled sources, so they count value
 * imports only (type-only imports vanish in JavaScript).
 *
 * LAYERS: each top-level folder of src/ may import only the folders listed before it. That makes a
 * cycle between folders impossible; the named rules below say the same for the boundaries that
 * matter most, with their own message.
 */
const LAYERS = [
  "platform",
  "domain",
  "observability",
  "events",
  "delivery",
  "chat",
  "tenants",
  "settings",
  "agents",
  "digest",
  "alerts",
  "simulation",
  "commands",
  "integrations",
  "webhooks",
  "http",
];

const folder = (names) => `^src/(${names.join("|")})/`;

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layers: ${layer} may not import ${LAYERS.slice(i + 1).join(", ")}`,
  comment: "A folder imports only the folders below it (docs/architecture.md, 'Layers').",
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: { path: folder(LAYERS.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    {
      name: "platform imports nothing of Foreman",
      comment: "src/platform/ is what every part may use; it knows nothing of Foreman.",
      severity: "error",
      from: { path: "^src/platform/" },
      to: { path: "^src/", pathNot: "^src/platform/" },
    },
    {
      name: "domain imports only domain and platform",
      comment: "src/domain/ is pure rules.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/(domain|platform)/" },
    },
    {
      name: "integrations never import agents or http",
      severity: "error",
      from: { path: "^src/integrations/" },
      to: { path: "^src/(agents|http)/" },
    },
    {
      name: "agents never import http",
      severity: "error",
      from: { path: "^src/agents/" },
      to: { path: "^src/http/" },
    },
    {
      name: "commands are imported only by the chat adapters",
      comment: "Only integrations/slack and integrations/discord run commands.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(commands|integrations/slack|integrations/discord)/" },
      to: { path: "^src/commands/" },
    },
    {
      name: "no cycle between folders",
      comment: "Top-level folders of src/ depend one way (value imports).",
      severity: "error",
      from: { path: "^src/([^/]+)/" },
      to: { path: "^src/[^/]+/", circular: true, pathNot: "^src/$1/" },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
  },
};
