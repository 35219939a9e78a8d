import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class Outbox extends DurableObject<Env> {}
