/** The global Directory (API keys, tenants, chat bindings, webhook hooks, resource index). */
import type { Env } from "../env";
import { type Remote, remote } from "../platform/rpc";
import type { Directory } from "./directory";

export function directory(env: Env): Remote<Directory> {
  return remote<Directory>(env.DIRECTORY.getByName("global"));
}
