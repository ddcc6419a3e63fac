// The resource limit: a pending request naming more than maxResources resources is denied; over
// what a user holds, the newest requests are kept while they fit and the first that does not, and
// every older one, is locked. It never skips a request that does not fit to keep an older, smaller
// one (the Go sample did).
import type { AccessRequest } from '../domain/accessRequest';
import { resources } from './decision';
import { distinctResources, holdingSize } from './holdings';
import type { LockVerdict, Rule, RuleContext, RuleOption } from './rule';

// One row per setting, so the table reads as a table.
// prettier-ignore
const OPTIONS: readonly RuleOption[] = [
  { key: 'maxResources', flags: ['m', 'max-resources'], env: ['JIT_WATCHER_MAX_RESOURCES'], kind: 'int', go: true, min: 1, example: '3', help: 'maximum resources one user may hold through approved requests' },
  { key: 'resourceLimit', flags: ['resource-limit'], env: ['JIT_WATCHER_RESOURCE_LIMIT'], kind: 'bool', go: true, help: 'enforce the resource limit' },
  { key: 'roleRequestWeight', flags: ['role-request-weight'], env: ['JIT_WATCHER_ROLE_REQUEST_WEIGHT'], kind: 'int', min: 0, example: '1', help: 'what a role-only request counts toward the resource limit' },
];

export const resourceLimitRule: Rule<'resource-limit'> = {
  name: 'resource-limit',
  options: OPTIONS,
  enabled: (policy) => policy.resourceLimit,

  pending(request, { policy }) {
    const resourceCount = distinctResources(request).length;
    const limit = policy.maxResources;
    const facts = { resourceCount, limit };
    if (resourceCount <= limit) return { facts };
    return {
      facts,
      deny: `Request contains ${resourceCount} resources, exceeds limit of ${limit}; ask for at most ${resources(limit)}`,
    };
  },

  summary: (details) =>
    details.resourceCount === undefined
      ? undefined
      : `${resources(details.resourceCount)}, limit ${details.limit ?? '?'}`,

  holdingsPhase: 'count',
  holdings: limitResources,
};

function limitResources({ policy, holdings }: RuleContext): LockVerdict[] {
  const limit = policy.maxResources;
  const weight = policy.roleRequestWeight;
  const kept: AccessRequest[] = [];
  const locked: LockVerdict[] = [];
  let cutoff: AccessRequest | undefined;

  for (const { request } of holdings) {
    const heldResources = holdingSize(kept, weight);
    const totalResources = holdingSize([...kept, request], weight);
    if (cutoff === undefined && totalResources <= limit) {
      kept.push(request);
      continue;
    }
    const own = holdingSize([request], weight);
    let reason: string;
    if (cutoff !== undefined) {
      reason =
        `Resource limit: newer requests fill the limit of ${limit} resources ` +
        `(request ${cutoff.id} already did not fit); retaining only the newest`;
    } else if (kept.length === 0) {
      reason = `Resource limit: this request alone counts ${resources(own)}, exceeding limit of ${limit}; retaining only the newest`;
    } else {
      reason =
        `Resource limit: this request's ${resources(own)} with the ${heldResources} held through newer ` +
        `requests make ${totalResources}, exceeding limit of ${limit}; retaining only the newest`;
    }
    cutoff ??= request;
    locked.push({
      request,
      reason,
      details: {
        resourceCount: distinctResources(request).length,
        limit,
        heldResources,
        totalResources,
        keptRequestIds: kept.map((r) => r.id),
      },
    });
  }
  return locked;
}
