import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class Directory extends DurableObject<Env> {}
