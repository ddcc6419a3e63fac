// `decisions --request ID --explain`: each recorded decision about the request with the policy
// version and the inputs it was judged on, re-evaluated here with that policy (the sweep's input,
// the first event of its history) through the same `judge` the activity ran, so an auditor sees
// the decision reproduced after Teleport has forgotten the request.
import type { Client } from '@temporalio/client';
import { judge } from '../policy/inputs';
import type { Decision, Policy } from '../policy/types';
import { policyVersion } from '../policy/version';
import { sweepRuns, type DecisionQuery, type LoggedDecision } from '../temporal/decisionLog';

/** What an explanation says of decisions from workers that recorded neither version nor inputs. */
export const NOT_RECORDED = 'decision made before jit-watcher recorded inputs with its decisions';

export interface Explanation {
  text: string;
  /** Every decision with inputs reproduced under its policy. */
  reproduced: boolean;
}

export async function explainRequest(client: Client, q: DecisionQuery): Promise<Explanation> {
  const found: Array<{ logged: LoggedDecision; policy?: Policy }> = [];
  for await (const run of sweepRuns(client, q))
    for (const logged of run.decisions)
      found.push({ logged, ...(run.policy ? { policy: run.policy } : {}) });
  if (found.length === 0)
    return { text: `no decisions found for request ${q.requestId ?? ''}\n`, reproduced: true };
  found.sort((a, b) => (a.logged.at < b.logged.at ? -1 : a.logged.at > b.logged.at ? 1 : 0));
  const parts = found.map(({ logged, policy }) => explainOne(logged, policy));
  // Each policy the decisions were made under, once, so the re-run can be checked by hand too.
  const policies = new Map<string, Policy>();
  for (const { logged, policy } of found)
    if (policy && logged.policyVersion) policies.set(policyVersion(policy), policy);
  const shown = [...policies].map(
    ([version, policy]) => `policy ${version}:\n${JSON.stringify(policy, null, 2)}\n`,
  );
  return {
    text: [...parts.map((p) => p.text), ...shown].join('\n'),
    reproduced: parts.every((p) => p.reproduced),
  };
}

export function explainOne(logged: LoggedDecision, policy: Policy | undefined): Explanation {
  const d = logged.decision;
  const lines = [
    `decision  ${d.action} (${d.policy}) of ${d.requestId} for ${d.user}, at ${logged.at}`,
    `reason    ${d.reason}`,
    `outcome   ${logged.outcome ? `${logged.outcome.status}: ${logged.outcome.detail}` : '-'}`,
    `sweep     ${logged.sweepId} (run ${logged.runId})`,
  ];
  const sweepVersion = policy ? policyVersion(policy) : undefined;
  if (!logged.inputs || !logged.policyVersion) {
    lines.push(`policy    ${sweepVersion ? `the sweep's: ${sweepVersion}` : 'not in the history'}`);
    lines.push(`inputs    not recorded (${NOT_RECORDED})`);
    return { text: lines.join('\n') + '\n', reproduced: true };
  }
  lines.push(`policy    ${logged.policyVersion}`);
  lines.push(`inputs    ${indent(JSON.stringify(logged.inputs, null, 2))}`);
  if (!policy || sweepVersion !== logged.policyVersion) {
    const why = policy
      ? `the sweep's input has policy ${sweepVersion ?? ''}, not ${logged.policyVersion}`
      : 'the sweep input holding the policy is gone from the history';
    lines.push(`re-run    not possible: ${why}`);
    return { text: lines.join('\n') + '\n', reproduced: false };
  }
  const again = judge(logged.inputs, policy).find((x) => x.requestId === d.requestId);
  const same = again !== undefined && sameVerdict(again, d);
  lines.push(
    same
      ? 're-run    reproduced: same action, policy and reason'
      : `re-run    NOT reproduced (a bug: please report it): ${again ? `${again.action} (${again.policy}): ${again.reason}` : 'no decision'}`,
  );
  return { text: lines.join('\n') + '\n', reproduced: same };
}

function sameVerdict(a: Decision, b: Decision): boolean {
  return a.action === b.action && a.policy === b.policy && a.reason === b.reason;
}

function indent(text: string): string {
  return text.split('\n').join('\n          ');
}
