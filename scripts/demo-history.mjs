#!/usr/bin/env node
/**
 * Writes the demo tenant's history (src/agents/coordinator/demo-history.json) from the simulator:
 * sim/demo-history.ts, bundled and run as scripts/simulate.mjs runs the simulator. docs/predictions.md.
 */
import { loadSimEntry, nodeIo } from "./simulate.mjs";

const { main } = await loadSimEntry("demo-history");
process.exitCode = main(process.argv.slice(2), nodeIo());
