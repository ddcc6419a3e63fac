// The resource limit over what a user holds: keep the newest requests while they fit within
// maxResources; the first that does not fit, and every older one, is locked. It never skips a
// request that does not fit to keep an older, smaller one (the Go sample did).
import type { AccessRequest } from '../domain/accessRequest';
import { checksRun, resources } from './decision';
import { distinctResources, holdingSize, type LockVerdict, type Walk } from './holdings';
import type { Policy } from './types';

export function limitResources(newestFirst: AccessRequest[], policy: Policy): Walk {
  const checks = checksRun(policy);
  const limit = policy.maxResources;
  const weight = policy.roleRequestWeight;
  const walk: Walk = { kept: [], locked: [] };
  let cutoff: AccessRequest | undefined;

  for (const request of newestFirst) {
    const heldResources = holdingSize(walk.kept, weight);
    const totalResources = holdingSize([...walk.kept, request], weight);
    if (cutoff === undefined && totalResources <= limit) {
      walk.kept.push(request);
      continue;
    }
    const own = holdingSize([request], weight);
    let reason: string;
    if (cutoff !== undefined) {
      reason =
        `Resource limit: newer requests fill the limit of ${limit} resources ` +
        `(request ${cutoff.id} already did not fit); retaining only the newest`;
    } else if (walk.kept.length === 0) {
      reason = `Resource limit: this request alone counts ${resources(own)}, exceeding limit of ${limit}; retaining only the newest`;
    } else {
      reason =
        `Resource limit: this request's ${resources(own)} with the ${heldResources} held through newer ` +
        `requests make ${totalResources}, exceeding limit of ${limit}; retaining only the newest`;
    }
    cutoff ??= request;
    const verdict: LockVerdict = {
      request,
      policy: 'resource-limit',
      reason,
      details: {
        checks,
        resourceCount: distinctResources(request).length,
        limit,
        heldResources,
        totalResources,
        keptRequestIds: walk.kept.map((r) => r.id),
      },
    };
    walk.locked.push(verdict);
  }
  return walk;
}
