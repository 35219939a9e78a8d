/** GitHub App auth: the App's JWT checked by the fake GitHub, installation tokens minted and cached. */
import { describe, expect, inject, it } from "vitest";
import { GitHubApiError } from "../../../src/integrations/github/api";
import {
  appJwt,
  forgetInstallationToken,
  GitHubAppConfigError,
  githubAppConfig,
  installationToken,
  TOKEN_REFRESH_MARGIN_MS,
} from "../../../src/integrations/github/app-auth";
import { createGitHubClient } from "../../../src/integrations/github/client";
import { fakeApi } from "../../helpers/fake-api";

const keys = inject("githubAppKeys");
const APP_ID = "424242";

/** A fake namespace playing the App with `installations`, and the config that reaches it. */
async function appIn(namespace: string, installations: number[], privateKey = keys.privateKeyPem) {
  const api = fakeApi(namespace);
  await api.githubApp({
    appId: Number(APP_ID),
    publicKeyPem: keys.publicKeyPem,
    installations: installations.map((id) => ({
      id,
      account: { login: "acme", type: "Organization" },
      repos: ["acme/web"],
    })),
  });
  const config = githubAppConfig({
    GITHUB_APP_ID: APP_ID,
    GITHUB_APP_PRIVATE_KEY: privateKey,
    GITHUB_APP_SLUG: "foreman-test",
    GITHUB_API_URL: api.urls.GITHUB_API_URL,
  });
  if (config === null) throw new Error("expected a config");
  for (const id of installations) forgetInstallationToken(id);
  return { api, config };
}

function claims(jwt: string): Record<string, unknown> {
  const payload = jwt.split(".")[1] ?? "";
  return JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
}

/** Another RSA key (not the App's), as PKCS#8 PEM. */
async function otherKeyPem(): Promise<string> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  if (!("privateKey" in pair)) throw new Error("expected a key pair");
  const exported = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
  if (!(exported instanceof ArrayBuffer)) throw new Error("expected DER bytes");
  const der = new Uint8Array(exported);
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

describe("githubAppConfig", () => {
  const base = { GITHUB_APP_SLUG: "", GITHUB_API_URL: "" };

  it("is null while the App ID or the key is unset", () => {
    expect(
      githubAppConfig({ ...base, GITHUB_APP_ID: "", GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem }),
    ).toBeNull();
    expect(githubAppConfig({ ...base, GITHUB_APP_ID: APP_ID, GITHUB_APP_PRIVATE_KEY: undefined })).toBeNull();
  });

  it("takes PKCS#8, PKCS#1 (rewrapped as PKCS#8) and keys with their newlines written as \\n", () => {
    const pkcs8 = githubAppConfig({
      ...base,
      GITHUB_APP_ID: APP_ID,
      GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem,
    });
    expect(pkcs8).toMatchObject({ appId: APP_ID, slug: null, apiUrl: "https://api.github.com" });
    const pkcs1 = githubAppConfig({
      ...base,
      GITHUB_APP_ID: APP_ID,
      GITHUB_APP_PRIVATE_KEY: keys.privateKeyPkcs1Pem,
    });
    expect(pkcs1?.privateKeyPem).toBe(pkcs8?.privateKeyPem);
    const oneLine = keys.privateKeyPkcs1Pem.trim().replace(/\n/g, "\\n");
    const escaped = githubAppConfig({ ...base, GITHUB_APP_ID: APP_ID, GITHUB_APP_PRIVATE_KEY: oneLine });
    expect(escaped?.privateKeyPem).toBe(pkcs8?.privateKeyPem);
  });

  it("a key that is not a PEM private key, or an App ID that is not a number: GitHubAppConfigError", () => {
    const bad = [
      "not a key",
      keys.publicKeyPem,
      "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
      keys.privateKeyPem.replace("END PRIVATE", "END RSA PRIVATE"),
    ];
    for (const key of bad) {
      const read = () => githubAppConfig({ ...base, GITHUB_APP_ID: APP_ID, GITHUB_APP_PRIVATE_KEY: key });
      expect(read).toThrow(GitHubAppConfigError);
    }
    try {
      githubAppConfig({ ...base, GITHUB_APP_ID: APP_ID, GITHUB_APP_PRIVATE_KEY: keys.publicKeyPem });
    } catch (err) {
      expect(String(err)).not.toContain(keys.publicKeyPem.split("\n")[1]);
    }
    const id = () =>
      githubAppConfig({ ...base, GITHUB_APP_ID: "foreman", GITHUB_APP_PRIVATE_KEY: keys.privateKeyPem });
    expect(id).toThrow(GitHubAppConfigError);
  });
});

describe("the App's JWT", () => {
  it("is issued 30 s back, expires 10 minutes later and names the App", async () => {
    const { config } = await appIn("gh-app-jwt", []);
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    expect(claims(await appJwt(config, now))).toEqual({
      iat: now / 1000 - 30,
      exp: now / 1000 + 570,
      iss: APP_ID,
    });
  });
});

describe("installation tokens", () => {
  it("are minted with a JWT the fake GitHub verifies (PKCS#1 key too)", async () => {
    const { api, config } = await appIn("gh-app-mint", [71001], keys.privateKeyPkcs1Pem);
    const token = await installationToken(config, 71001, { now: Date.now });
    expect(token.token).toBe("ghs_71001_1");
    expect(Date.parse(token.expiresAt)).toBeGreaterThan(Date.now());
    const [req] = await api.requests("/github/app/installations/71001/access_tokens");
    expect(req?.method).toBe("POST");
    expect(req?.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(req?.answered).toBe(201);
  });

  it("are kept until 5 minutes before they expire, then minted again", async () => {
    const { api, config } = await appIn("gh-app-cache", [71002]);
    const first = await installationToken(config, 71002, { now: Date.now });
    const refreshAt = Date.parse(first.expiresAt) - TOKEN_REFRESH_MARGIN_MS;
    expect(await installationToken(config, 71002, { now: () => refreshAt - 1_000 })).toEqual(first);
    const second = await installationToken(config, 71002, { now: () => refreshAt + 1_000 });
    expect(second.token).toBe("ghs_71002_2");
    expect(await api.requests("/github/app/installations/71002/access_tokens")).toHaveLength(2);
  });

  it("forgetting an installation's token mints a new one on the next call", async () => {
    const { api, config } = await appIn("gh-app-forget", [71005]);
    const first = await installationToken(config, 71005, { now: Date.now });
    expect(await installationToken(config, 71005, { now: Date.now })).toEqual(first);
    forgetInstallationToken(71005);
    expect((await installationToken(config, 71005, { now: Date.now })).token).toBe("ghs_71005_2");
    expect(await api.requests("/github/app/installations/71005/access_tokens")).toHaveLength(2);
  });

  it("a JWT signed with another key, an expired JWT or an unknown installation: GitHubApiError", async () => {
    const { config } = await appIn("gh-app-refused", [71003]);
    const wrongKey = { ...config, privateKeyPem: await otherKeyPem() };
    await expect(installationToken(wrongKey, 71003, { now: Date.now })).rejects.toMatchObject({
      name: "GitHubApiError",
      status: 401,
    });
    const expired = installationToken(config, 71003, { now: () => Date.now() - 20 * 60_000 });
    await expect(expired).rejects.toMatchObject({ status: 401 });
    const unknown = installationToken(config, 79999, { now: Date.now });
    await expect(unknown).rejects.toBeInstanceOf(GitHubApiError);
    await expect(unknown).rejects.toMatchObject({ status: 404 });
  });

  it("drive the delivery client: one mint, then the cached token for each send", async () => {
    const { api, config } = await appIn("gh-app-client", [71004]);
    const client = createGitHubClient({
      auth: async () => (await installationToken(config, 71004, { now: Date.now })).token,
      baseUrl: config.apiUrl,
    });
    const body = { owner: "acme", repo: "web", issue_number: 1, body: "hi" };
    expect(await client.send("issues.createComment", body)).toMatchObject({ kind: "delivered" });
    expect(await client.send("issues.createComment", body)).toMatchObject({ kind: "delivered" });
    const requests = await api.requests();
    expect(requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization?.slice(0, 20)}`)).toEqual([
      expect.stringMatching(/^POST \/github\/app\/installations\/71004\/access_tokens Bearer ey/),
      "POST /github/repos/acme/web/issues/1/comments Bearer ghs_71004_1",
      "POST /github/repos/acme/web/issues/1/comments Bearer ghs_71004_1",
    ]);
  });
});
