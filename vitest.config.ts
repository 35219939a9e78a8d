import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      // The fake platform API server started by test/global-setup.ts.
      const fake = `http://127.0.0.1:${inject("fakeApiPort")}`;
      return {
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            // Every secret is set here, so a developer's .dev.vars never leaks into the tests.
            SLACK_BOT_TOKEN: "",
            SLACK_BOT_ID: "",
            SLACK_BOT_USER_ID: "",
            DISCORD_BOT_TOKEN: "",
            DISCORD_PUBLIC_KEY: "",
            DISCORD_APPLICATION_ID: "",
            // Installs (issue 18): OAuth apps are off unless a test sets them.
            SLACK_CLIENT_ID: "",
            SLACK_CLIENT_SECRET: "",
            DISCORD_CLIENT_SECRET: "",
            LINEAR_CLIENT_ID: "",
            LINEAR_CLIENT_SECRET: "",
            GITHUB_APP_CLIENT_ID: "",
            GITHUB_APP_CLIENT_SECRET: "",
            GITHUB_OAUTH_URL: "",
            GITHUB_TOKEN: "",
            GITHUB_APP_ID: "",
            GITHUB_APP_PRIVATE_KEY: "",
            GITHUB_APP_SLUG: "",
            GITHUB_WEBHOOK_SECRET_PREVIOUS: "",
            LINEAR_API_KEY: "",
            FOREMAN_CHAT_ADMINS: "",
            FOREMAN_DEFAULT_TENANT: "",
            CORS_ORIGINS: "",
            // Alert thresholds at their defaults, and no ops channel unless a test sets one.
            ALERT_DELIVERY_FAILURES: "",
            ALERT_DEAD_LETTERS: "",
            ALERT_SLA_BREACHES: "",
            OPS_CHANNEL: "",
            // Generous, so suites that send many requests are never limited; test/security lowers them.
            RATE_LIMIT_PER_KEY: "100000/min",
            RATE_LIMIT_PER_IP: "100000/min",
            ENVIRONMENT: "test",
            // Tests rebind workspaces directly in the Directory: no cached tenant (its own test sets one).
            CHAT_TENANT_CACHE_MS: "0",
            DEMO_MODE: "false",
            ADMIN_API_KEY: "test-admin-key",
            ADMIN_API_KEY_PREVIOUS: "",
            SLACK_SIGNING_SECRET: "test-signing-secret",
            GITHUB_WEBHOOK_SECRET: "test-github-secret",
            LINEAR_WEBHOOK_SECRET: "test-linear-secret",
            // Seals the tenants' webhook secrets (a fixed test key; tests of rotation override it).
            TOKEN_ENCRYPTION_KEY: "HgEvXbTPHCe7ugeACCgzZbwS7C6BSr8ru4q9s0b7Sl0=",
            TOKEN_ENCRYPTION_KEY_PREVIOUS: "",
            FOREMAN_PUBLIC_URL: "",
            WEBHOOK_HOOK_CACHE_MS: "",
            SLACK_API_URL: `${fake}/slack/api`,
            DISCORD_API_URL: `${fake}/discord/api/v10`,
            GITHUB_API_URL: `${fake}/github`,
            LINEAR_API_URL: `${fake}/linear/graphql`,
          },
        },
      };
    }),
  ],
  resolve: {
    // Bolt loads these for its Node receivers; Foreman needs none (see src/integrations/slack/stubs).
    alias: {
      "@slack/socket-mode": new URL("./src/integrations/slack/stubs/socket-mode.cjs", import.meta.url)
        .pathname,
      express: new URL("./src/integrations/slack/stubs/express.cjs", import.meta.url).pathname,
      "raw-body": new URL("./src/integrations/slack/stubs/raw-body.cjs", import.meta.url).pathname,
    },
  },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup/fast-check.ts"],
    testTimeout: 20_000,
    isolate: false,
  },
});
