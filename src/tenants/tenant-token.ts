/**
 * A tenant's own token for reading from Slack or Linear outside the delivery path (a team import, a
 * profile lookup): its install's sealed token from its Outbox, else the deployment's token
 * (self-hosting), else none. A revoked install answers why, never the deployment's token.
 */

import type { CredentialDetails } from "../delivery/credentials";
import { outbox } from "../delivery/stub";
import type { Env } from "../env";
import { openSecret, type SecretBundle } from "./credential-seal";

export type TenantToken =
  | { kind: "token"; token: string; account: string | null }
  | { kind: "revoked"; account: string; reason: string }
  | { kind: "none" };

const DEPLOYMENT_TOKEN = {
  slack: (env: Env) => env.SLACK_BOT_TOKEN,
  linear: (env: Env) => env.LINEAR_API_KEY,
} as const;

/** An install's live credential, as renewing its token needs it. */
export interface HeldCredential {
  platform: "slack" | "linear";
  tenant: string;
  account: string;
  details: CredentialDetails;
}

/** Renews a bundle about to expire (src/integrations/token-refresh.ts, given by the caller). */
export type Renew = (held: HeldCredential, bundle: SecretBundle) => Promise<SecretBundle>;

export async function tenantToken(
  env: Env,
  tenant: string,
  platform: "slack" | "linear",
  renew?: Renew,
): Promise<TenantToken> {
  const credential = await outbox(env, tenant).credentialFor(platform, null);
  if (credential.state === "revoked") {
    return { kind: "revoked", account: credential.account, reason: credential.reason };
  }
  if (credential.state === "active" && credential.sealed !== null) {
    const opened = await openSecret(
      env,
      { platform, tenant, account: credential.account },
      credential.sealed,
    );
    const held = { platform, tenant, account: credential.account, details: credential.details };
    const bundle = renew ? await renew(held, opened) : opened;
    return { kind: "token", token: bundle.token, account: credential.account };
  }
  const token = DEPLOYMENT_TOKEN[platform](env)?.trim();
  return token ? { kind: "token", token, account: null } : { kind: "none" };
}
