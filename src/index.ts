import type { Env } from "./env";

export { Coordinator } from "./agents/coordinator";
export {
  ContextOptimizerAgent,
  IntegrationDashboardAgent,
  LinearStateAgent,
  PatternBridgeAgent,
  ReviewManagerAgent,
} from "./agents/types/index";
export { Outbox } from "./delivery/outbox";
export { Directory } from "./storage/directory";

export default {
  async fetch(_request: Request, _env: Env, _ctx: ExecutionContext): Promise<Response> {
    return Response.json({ status: "healthy" });
  },
} satisfies ExportedHandler<Env>;
