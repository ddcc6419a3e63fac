// Per-environment caps: roles matching a pattern may be held through at most N approved requests
// (and/or M resources) at a time. Like the resource limit, but per pattern: a pending request that
// alone exceeds a cap is denied; over what a user holds, the newest requests under the pattern are
// kept while they fit, and the first that does not, and every older one under it, is locked.
import type { AccessRequest } from '../domain/accessRequest';
import { listIds, resources } from './decision';
import { distinctResources, holdingSize } from './holdings';
import { describeEnvironment as describeCap, environmentsFor } from './environments';
import type { LockVerdict, Rule, RuleContext, RuleOption } from './rule';
import type { Cap, Policy } from './types';

export type { Cap } from './types';

/** A cap a request falls under, with the request's roles that match its pattern. */
export interface CapMatch extends Cap {
  roles: string[];
}

declare module './types' {
  interface DecisionDetails {
    /** Caps the request falls under (pending), or the one it broke (lock). */
    caps?: CapMatch[];
    /** Requests under the cap held through the newer requests kept. */
    heldRequests?: number;
  }
}

const FLAG_FORM = 'PATTERN=REQUESTS[/RESOURCES], e.g. prod=1 or research=2/6 or lab=/4';

const OPTIONS: readonly RuleOption[] = [
  {
    key: 'caps',
    flags: ['caps'],
    env: ['JIT_WATCHER_CAPS'],
    kind: 'custom',
    example: 'prod=1,research=2/6',
    help: 'per-environment caps: PATTERN=REQUESTS[/RESOURCES] a user holds at once',
    parse: parseCaps,
  },
];

export const capsRule: Rule<'environment-cap'> = {
  name: 'environment-cap',
  options: OPTIONS,
  enabled: (policy) => capsOf(policy).length > 0,

  pending(request, { policy }) {
    const under = capsFor(request, policy);
    if (under.length === 0) return { facts: {} };
    const size = holdingSize([request], policy.roleRequestWeight);
    const broken = under.find((c) => c.maxResources !== undefined && size > c.maxResources);
    if (!broken) return { facts: { caps: under } };
    return {
      facts: { caps: under },
      deny:
        `Request counts ${resources(size)} under ${describeCap(broken)}, ` +
        `exceeds its cap of ${resources(broken.maxResources ?? 0)}; ` +
        `ask for at most ${resources(broken.maxResources ?? 0)} under ${JSON.stringify(broken.pattern)}`,
    };
  },

  holdingsPhase: 'count',
  holdings: capHoldings,
};

/**
 * Every cap: `policy.caps` (and --caps), then the environments' maxRequests and maxResources, so
 * an environment entry holds its caps as `caps` entries did. A pattern is given once across both.
 */
export function capsOf(policy: Policy): Cap[] {
  const fromEnvironments = (policy.environments ?? []).flatMap((e): Cap[] => {
    if (e.maxRequests === undefined && e.maxResources === undefined) return [];
    const cap: Cap = { pattern: e.pattern };
    if (e.maxRequests !== undefined) cap.maxRequests = e.maxRequests;
    if (e.maxResources !== undefined) cap.maxResources = e.maxResources;
    return [cap];
  });
  return [...(policy.caps ?? []), ...fromEnvironments];
}

/** The caps whose pattern one of the request's roles matches, in policy order. */
function capsFor(request: AccessRequest, policy: Policy): CapMatch[] {
  return environmentsFor(request, capsOf(policy)).map((m) => {
    const cap: CapMatch = { pattern: m.pattern, roles: m.roles };
    if (m.maxRequests !== undefined) cap.maxRequests = m.maxRequests;
    if (m.maxResources !== undefined) cap.maxResources = m.maxResources;
    return cap;
  });
}

/** Per cap, newest first: keep while the newer kept plus this one fit; lock from the first misfit. */
function capHoldings({ policy, holdings }: RuleContext): LockVerdict[] {
  const weight = policy.roleRequestWeight;
  const kept = new Map<string, AccessRequest[]>();
  const cutoff = new Map<string, AccessRequest>();
  const locked: LockVerdict[] = [];

  for (const { request } of holdings) {
    const under = capsFor(request, policy);
    let verdict: LockVerdict | undefined;
    for (const cap of under) {
      const newer = kept.get(cap.pattern) ?? [];
      verdict = misfit(request, cap, newer, cutoff.get(cap.pattern), weight);
      if (verdict) {
        if (!cutoff.has(cap.pattern)) cutoff.set(cap.pattern, request);
        break;
      }
    }
    if (verdict) locked.push(verdict);
    else
      for (const cap of under) kept.set(cap.pattern, [...(kept.get(cap.pattern) ?? []), request]);
  }
  return locked;
}

/** Why the request does not fit under the cap next to the newer ones kept; undefined if it does. */
function misfit(
  request: AccessRequest,
  cap: CapMatch,
  kept: AccessRequest[],
  cutoff: AccessRequest | undefined,
  weight: number,
): LockVerdict | undefined {
  const heldRequests = kept.length;
  const heldResources = holdingSize(kept, weight);
  const totalResources = holdingSize([...kept, request], weight);
  const tooMany = cap.maxRequests !== undefined && heldRequests + 1 > cap.maxRequests;
  const tooBig = cap.maxResources !== undefined && totalResources > cap.maxResources;
  if (cutoff === undefined && !tooMany && !tooBig) return undefined;

  const where = describeCap(cap);
  const capOf = `its cap of ${resources(cap.maxResources ?? 0)}`;
  let reason: string;
  if (cutoff !== undefined) {
    reason = `newer requests fill the cap under ${where} (request ${cutoff.id} already did not fit)`;
  } else if (tooMany) {
    const n = cap.maxRequests ?? 0;
    const newer = heldRequests === 1 ? 'newer request' : 'newer requests';
    reason =
      `roles matching ${JSON.stringify(cap.pattern)} may be held through ` +
      `${n === 1 ? '1 request' : `${n} requests`} at a time and ${newer} ` +
      `${listIds(kept.map((r) => r.id))} ${heldRequests === 1 ? 'holds it' : 'hold them'}; ` +
      `this older request's ${where} may not be held as well`;
  } else if (heldRequests === 0) {
    reason = `this request alone counts ${resources(totalResources)} under ${where}, exceeding ${capOf}`;
  } else {
    const own = resources(holdingSize([request], weight));
    reason =
      `this request's ${own} with the ${heldResources} held under ${where} through newer ` +
      `requests make ${totalResources}, exceeding ${capOf}`;
  }
  return {
    request,
    reason: `Environment cap: ${reason}; retaining only the newest`,
    details: {
      caps: [cap],
      resourceCount: distinctResources(request).length,
      heldRequests,
      heldResources,
      totalResources,
      keptRequestIds: kept.map((r) => r.id),
    },
  };
}

/** A flag's or variable's `prod=1,research=2/6`, or YAML's list (checked by validateCaps). */
function parseCaps(raw: unknown): { ok: true; value: object } | { ok: false; error: string } {
  if (Array.isArray(raw)) return { ok: true, value: raw };
  if (typeof raw !== 'string') {
    return {
      ok: false,
      error: `must be a list of caps like [{pattern: prod, maxRequests: 1}], got ${JSON.stringify(raw) ?? 'nothing'}`,
    };
  }
  const caps: Cap[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const cap = parseCap(item);
    if (!cap) return { ok: false, error: `${JSON.stringify(item)} is not ${FLAG_FORM}` };
    caps.push(cap);
  }
  return { ok: true, value: caps };
}

/** `prod=1`, `research=2/6`, `lab=/4`; the last `=` splits, since a pattern may contain one. */
function parseCap(item: string): Cap | undefined {
  const eq = item.lastIndexOf('=');
  const limits = item.slice(eq + 1).split('/');
  if (eq <= 0 || limits.length > 2 || !limits.every((l) => /^\s*\d*\s*$/.test(l))) return undefined;
  const [maxRequests, maxResources] = limits.map((l) => (l.trim() === '' ? undefined : Number(l)));
  if (maxRequests === undefined && maxResources === undefined) return undefined;
  const cap: Cap = { pattern: item.slice(0, eq).trim() };
  if (maxRequests !== undefined) cap.maxRequests = maxRequests;
  if (maxResources !== undefined) cap.maxResources = maxResources;
  return cap;
}
