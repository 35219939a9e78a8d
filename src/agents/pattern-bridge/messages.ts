/** The Pattern Bridge's messages to the leads: an experiment's decision (with Promote), an opportunity. */
import { encodeAction } from "../../chat/actions";
import { code, literal } from "../../chat/markup";
import type { Reply } from "../../chat/reply";
import { duration, type ExperimentAnalysis } from "../../domain/experiment-analysis";
import { type Opportunity, patternById } from "../../domain/patterns";
import type { ExperimentRecord } from "../../settings/experiments";

const DECISION_WORDS: Record<ExperimentAnalysis["decision"], string> = {
  continue: "still running",
  "stop-harm": "stopped for harm",
  "variant-wins": "the variant wins",
  "control-wins": "the control wins",
  "no-difference": "no difference",
};

/** The decision; `promotedTo`: the version an automatic promotion made (then no button). */
export function decisionReply(
  record: ExperimentRecord,
  a: ExperimentAnalysis,
  promotedTo: number | null = null,
): Reply {
  const promote = a.decision === "variant-wins" && promotedTo === null;
  const med = (x: number | null) => (x === null ? "–" : duration(x));
  const arms = `n ${a.arms.control.n} / ${a.arms.variant.n}, medians ${med(a.arms.control.median)} / ${med(a.arms.variant.median)}`;
  const p = a.pValue === null ? "" : `, p = ${a.pValue}`;
  const text =
    `Experiment ${literal(record.spec.name)} (${code(record.id)}): ${DECISION_WORDS[a.decision]}. ${literal(a.reason)}` +
    (promote
      ? ` Promote makes the variant (${code(record.spec.variant.policyId)} v${record.variantVersion}) the new version of ${code(record.spec.control.policyId)}.`
      : "") +
    (promotedTo !== null
      ? ` Promoted automatically (autoPromote is on): ${code(record.spec.control.policyId)} v${promotedTo} is the variant's rules, active.`
      : "");
  return {
    ephemeral: false,
    text,
    title: "Policy experiment",
    sections: [{ text }, { title: "Figures (control / variant)", lines: [`${arms}${p}`] }],
    buttons: promote ? [{ action: encodeAction("policy.promote", record.id), label: "Promote" }] : [],
    tone: a.decision === "stop-harm" ? "warning" : "info",
  };
}

export function opportunityReply(o: Opportunity): Reply {
  const pattern = patternById(o.pattern);
  const text =
    `${literal(o.evidence)} A pattern that could help: ${code(o.pattern)}` +
    `${pattern ? ` — ${literal(pattern.description)}` : ""} Apply it with POST /api/policies/{id}/patterns, ` +
    "then measure it (GET /api/policies/{id}/effectiveness) or run it as an experiment.";
  return {
    ephemeral: false,
    text,
    title: "Review pattern opportunity",
    sections: [{ text }],
    buttons: [],
    tone: "info",
  };
}
