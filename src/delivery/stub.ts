/** The tenant's Outbox (delivery claims, its delivery ledger, local outbox, dead letters). */
import type { Env } from "../env";
import { type Remote, remote } from "../platform/rpc";
import type { Outbox } from "./outbox";

export function outbox(env: Env, tenant: string): Remote<Outbox> {
  return remote<Outbox>(env.OUTBOX.getByName(tenant));
}
