// Reads the cluster once per sweep run and tells the workflow what to work on: the next page of
// pending requests (oldest first) and the users whose holdings changed. The full lists stay in
// this activity; only a bounded page crosses into workflow history.
import type { AccessRequest } from '../../domain/accessRequest';
import type { PlanInput, SweepPlan } from '../sweepTypes';
import { requestToJson } from '../requestJson';
import type { ActivityDeps } from './deps';
import { holdingsFingerprints } from './holdingsFingerprint';
import { asActivityFailure } from './failures';

/** Orders pending requests oldest first; the key is also the cursor between runs. */
export function pendingKey(r: AccessRequest): string {
  return `${r.created.toISOString()}/${r.id}`;
}

export function createPlanSweep(deps: ActivityDeps) {
  return async function planSweep(input: PlanInput): Promise<SweepPlan> {
    const now = deps.now?.() ?? new Date();
    if (input.targets) return planTargeted(deps, input.targets, now);
    const client = deps.teleport();
    const [requests, locks] = await Promise.all([
      client.listAccessRequests(),
      client.getLocks(),
    ]).catch(asActivityFailure);

    const pending = requests
      .filter((r) => r.state === 'PENDING')
      .map((r) => ({ key: pendingKey(r), r }))
      .filter(({ key }) => input.afterKey === undefined || key > input.afterKey)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const page = pending.slice(0, input.pageSize);
    const more = pending.length > page.length;

    const current = holdingsFingerprints(requests, locks, now);
    const changedUsers = [...current]
      .filter(([user, fp]) => input.fullEvaluation || input.fingerprints[user] !== fp)
      .map(([user]) => user)
      .sort();
    const goneUsers = Object.keys(input.fingerprints).filter((u) => !current.has(u));

    const plan: SweepPlan = {
      now: now.toISOString(),
      pending: page.map(({ r }) => requestToJson(r)),
      changedUsers,
      goneUsers,
      counts: {
        requests: requests.length,
        pending: pending.length,
        holders: current.size,
        locks: locks.length,
      },
    };
    if (more) plan.nextKey = page[page.length - 1]?.key;
    deps.log.debug('sweep planned', {
      ...plan.counts,
      page: page.length,
      changedUsers: changedUsers.length,
    });
    return plan;
  };
}

/**
 * An event-driven sweep reads only the requests the event stream named, so its cost does not
 * grow with the cluster: pending ones are evaluated, approved ones have their user re-evaluated.
 */
async function planTargeted(deps: ActivityDeps, ids: string[], now: Date): Promise<SweepPlan> {
  const client = deps.teleport();
  const found = await Promise.all(ids.map((id) => client.getAccessRequest(id))).catch(
    asActivityFailure,
  );
  const requests = found.filter((r): r is AccessRequest => r !== undefined);
  const pending = requests
    .filter((r) => r.state === 'PENDING')
    .sort((a, b) => (pendingKey(a) < pendingKey(b) ? -1 : 1));
  const changedUsers = [
    ...new Set(requests.filter((r) => r.state === 'APPROVED').map((r) => r.user)),
  ].sort();
  return {
    now: now.toISOString(),
    pending: pending.map(requestToJson),
    changedUsers,
    goneUsers: [],
    counts: {
      requests: requests.length,
      pending: pending.length,
      holders: changedUsers.length,
      locks: 0,
    },
  };
}
