// Backtest's arithmetic: recorded evaluations re-run (src/policy/inputs.ts `judge`) under the
// policy they were made under, which must reproduce them, and under a candidate, whose decisions
// are compared request by request and grouped by the rule that makes the difference. Pure, so the
// totals an administrator acts on are unit-tested; the CLI only reads histories and prints.
import { judge, type EvaluationInputs } from './inputs';
import type { Action, Decision, Policy } from './types';

/** One recorded evaluation with what it takes to re-run it. */
export interface RecordedJudgement {
  at: string;
  inputs: EvaluationInputs;
  /** What the evaluation decided (a user evaluation may decide nothing). */
  decisions: Decision[];
  /** The policy it ran under (the sweep's input of the version recorded); absent: not at hand. */
  policy?: Policy;
}

/** A request's fate: a Decision's action, or `keep` when a user evaluation left it alone. */
export type Fate = Action | 'keep';

export interface Verdict {
  action: Fate;
  /** The rule (or compliant, exempt) that decided; absent for `keep`. */
  policy?: string;
  reason?: string;
}

/** One request whose decision the candidate changes. */
export interface Change {
  requestId: string;
  user: string;
  kind: EvaluationInputs['kind'];
  /** The latest evaluation that showed it; `evaluations` counts them all. */
  at: string;
  evaluations: number;
  recorded: Verdict;
  candidate: Verdict;
  /** The rule that makes the difference, e.g. `environment-cap: prod`. */
  rule: string;
}

/** An evaluation its own policy did not reproduce: a bug to report. */
export interface NotReproduced {
  at: string;
  subject: string;
  recorded: Verdict[];
  rerun: Verdict[];
  /** Why it could not be re-run at all: its policy is not at hand. */
  why?: string;
}

export interface BacktestResult {
  evaluations: number;
  /** Evaluations re-run under their own policy with the same action, policy and reason. */
  reproduced: number;
  notReproduced: NotReproduced[];
  /** Requests whose decision differs under the candidate, latest evaluation first per request. */
  changes: Change[];
}

/** Re-runs every evaluation under its own policy and under the candidate. */
export function backtest(recorded: Iterable<RecordedJudgement>, candidate: Policy): BacktestResult {
  let evaluations = 0;
  let reproduced = 0;
  const notReproduced: NotReproduced[] = [];
  const changes = new Map<string, Change>();
  for (const e of recorded) {
    evaluations += 1;
    if (!e.policy) {
      notReproduced.push({
        at: e.at,
        subject: subjectOf(e.inputs),
        recorded: e.decisions.map(verdict),
        rerun: [],
        why: 'the policy it was made under is not in its sweep input',
      });
    } else {
      const rerun = judge(e.inputs, e.policy);
      if (sameDecisions(e.decisions, rerun)) reproduced += 1;
      else
        notReproduced.push({
          at: e.at,
          subject: subjectOf(e.inputs),
          recorded: e.decisions.map(verdict),
          rerun: rerun.map(verdict),
        });
    }
    for (const change of compare(e, judge(e.inputs, candidate))) {
      const key = `${change.requestId}\u0000${fateKey(change.recorded)}\u0000${fateKey(change.candidate)}`;
      const seen = changes.get(key);
      if (!seen) changes.set(key, change);
      else {
        seen.evaluations += 1;
        if (change.at > seen.at) seen.at = change.at;
      }
    }
  }
  return { evaluations, reproduced, notReproduced, changes: [...changes.values()] };
}

/** Same decisions, request by request: action, policy and reason. */
export function sameDecisions(a: Decision[], b: Decision[]): boolean {
  if (a.length !== b.length) return false;
  const byRequest = new Map(b.map((d) => [d.requestId, d]));
  return a.every((d) => {
    const other = byRequest.get(d.requestId);
    return (
      other !== undefined &&
      other.action === d.action &&
      other.policy === d.policy &&
      other.reason === d.reason
    );
  });
}

/**
 * The requests whose action or deciding rule differs between what was recorded and what the
 * candidate decides on the same inputs. Wording alone (a figure in a reason) is not a change.
 */
function compare(e: RecordedJudgement, candidate: Decision[]): Change[] {
  const before = new Map(e.decisions.map((d) => [d.requestId, d]));
  const after = new Map(candidate.map((d) => [d.requestId, d]));
  const out: Change[] = [];
  for (const requestId of new Set([...before.keys(), ...after.keys()])) {
    const r = before.get(requestId);
    const c = after.get(requestId);
    const recorded = verdict(r);
    const next = verdict(c);
    if (recorded.action === next.action && recorded.policy === next.policy) continue;
    out.push({
      requestId,
      user: (r ?? c)?.user ?? '',
      kind: e.inputs.kind,
      at: e.at,
      evaluations: 1,
      recorded,
      candidate: next,
      rule: deciding(r, c),
    });
  }
  return out;
}

/** The rule behind a change: the one the candidate applies, else the one that no longer applies. */
function deciding(recorded: Decision | undefined, candidate: Decision | undefined): string {
  const acting = (d: Decision | undefined) =>
    d && d.policy !== 'compliant' && d.action !== 'approve' ? d : undefined;
  const d = acting(candidate) ?? acting(recorded) ?? candidate ?? recorded;
  if (!d) return 'none';
  const caps = d.details.caps?.map((c) => c.pattern);
  if (caps?.length) return `${d.policy}: ${caps.join(', ')}`;
  if (d.details.window) return `${d.policy}: ${d.details.window}`;
  return d.policy;
}

function verdict(d: Decision | undefined): Verdict {
  return d ? { action: d.action, policy: d.policy, reason: d.reason } : { action: 'keep' };
}

function fateKey(v: Verdict): string {
  return `${v.action}/${v.policy ?? ''}`;
}

function subjectOf(inputs: EvaluationInputs): string {
  return inputs.kind === 'pending' ? `request ${inputs.request.id}` : `user ${inputs.user}`;
}

/** One line of totals: how many requests go from one fate to another, because of which rule. */
export interface Total {
  from: Fate;
  to: Fate;
  rule: string;
  requests: number;
}

/** Totals by transition and rule, largest first; a request counts once per transition. */
export function totals(changes: Change[]): Total[] {
  const byKey = new Map<string, Total & { ids: Set<string> }>();
  for (const c of changes) {
    const key = `${c.recorded.action}\u0000${c.candidate.action}\u0000${c.rule}`;
    const t = byKey.get(key) ?? {
      from: c.recorded.action,
      to: c.candidate.action,
      rule: c.rule,
      requests: 0,
      ids: new Set<string>(),
    };
    t.ids.add(c.requestId);
    t.requests = t.ids.size;
    byKey.set(key, t);
  }
  return [...byKey.values()]
    .map(({ ids: _ids, ...t }) => t)
    .sort((a, b) => b.requests - a.requests || (phrase(a) < phrase(b) ? -1 : 1));
}

const NOUNS: Record<Fate, [string, string]> = {
  approve: ['approval', 'approvals'],
  deny: ['denial', 'denials'],
  escalate: ['escalation to humans', 'escalations to humans'],
  lock: ['lock', 'locks'],
  none: ['request left alone', 'requests left alone'],
  keep: ['request kept', 'requests kept'],
};

function article(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** "12 approvals would become denials (environment-cap: prod)", "3 new locks (resource-limit)". */
export function phrase(t: Total): string {
  const noun = (fate: Fate) => NOUNS[fate][t.requests === 1 ? 0 : 1];
  const quiet = (fate: Fate) => fate === 'none' || fate === 'keep';
  let what: string;
  if (quiet(t.from) && !quiet(t.to)) what = `${t.requests} new ${noun(t.to)}`;
  else if (!quiet(t.from) && quiet(t.to)) what = `${t.requests} ${noun(t.from)} would not be made`;
  else if (t.from === t.to) what = `${t.requests} ${noun(t.from)} by another rule`;
  else
    what = `${t.requests} ${noun(t.from)} would become ${t.requests === 1 ? article(noun(t.to)) : noun(t.to)}`;
  return `${what} (${t.rule})`;
}
