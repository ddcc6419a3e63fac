// Shadow mode's judgement: the live decision and a candidate policy's decision on the same inputs,
// compared per request by action and policy (the rule behind it). Only where they differ is kept,
// so a shadow that agrees costs nothing in the history. Pure: the evaluation activities and the
// tests call it; nothing here acts on a decision.
import type { Action, Decision, PolicyName } from './types';

/** One side of a disagreement: what that policy decided about the request, and why. */
export interface ShadowVerdict {
  action: Action;
  policy: PolicyName;
  reason: string;
}

/** Where the candidate would decide otherwise than the live policy did, for one request. */
export interface ShadowDisagreement {
  requestId: string;
  user: string;
  live: ShadowVerdict;
  shadow: ShadowVerdict;
}

/** A user's request the holdings rules kept: no decision (silence means "may stay"). */
const KEPT: ShadowVerdict = { action: 'none', policy: 'compliant', reason: 'kept' };

function verdict(d: Decision): ShadowVerdict {
  return { action: d.action, policy: d.policy, reason: d.reason };
}

/** True when the two decisions would act alike: same action, same rule. */
export function sameVerdict(a: ShadowVerdict, b: ShadowVerdict): boolean {
  return a.action === b.action && a.policy === b.policy;
}

/** The pending request's disagreement, or undefined when the candidate decides as the live one. */
export function compareRequest(live: Decision, shadow: Decision): ShadowDisagreement | undefined {
  const a = verdict(live);
  const b = verdict(shadow);
  if (sameVerdict(a, b)) return undefined;
  return { requestId: live.requestId, user: live.user, live: a, shadow: b };
}

/**
 * A user's evaluation under both policies, compared per request: a request one side locks and
 * the other keeps is a disagreement (the keeping side reads "none / compliant: kept"). Ordered by
 * request id so the result does not depend on the order either side listed its decisions.
 */
export function compareUser(live: Decision[], shadow: Decision[]): ShadowDisagreement[] {
  const byId = (ds: Decision[]) => new Map(ds.map((d) => [d.requestId, d]));
  const a = byId(live);
  const b = byId(shadow);
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: ShadowDisagreement[] = [];
  for (const id of ids) {
    const l = a.get(id);
    const s = b.get(id);
    const lv = l ? verdict(l) : KEPT;
    const sv = s ? verdict(s) : KEPT;
    if (sameVerdict(lv, sv)) continue;
    const user = (l ?? s)?.user ?? '';
    out.push({ requestId: id, user, live: lv, shadow: sv });
  }
  return out;
}

/** Disagreements per rule of the shadow decision, as the metric and `status` count them. */
export function countByShadowRule(found: ShadowDisagreement[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of found) counts[d.shadow.policy] = (counts[d.shadow.policy] ?? 0) + 1;
  return counts;
}
