// Tells each sweep run what to work on: the next page of pending requests, oldest first, paged by
// Teleport, or the requests the event stream named. Only a bounded page crosses into workflow
// history. Which users to evaluate is planUsers' question.
import type { AccessRequest } from '../../domain/accessRequest';
import type { PlanInput, SweepPlan } from '../sweepTypes';
import { requestToJson, type AccessRequestJson } from '../requestJson';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';

/** Orders pending requests oldest first; the key is also the cursor between runs. */
function pendingKey(r: AccessRequest): string {
  return `${r.created.toISOString()}/${r.id}`;
}

export function createPlanSweep(deps: ActivityDeps) {
  return async function planSweep(input: PlanInput): Promise<SweepPlan> {
    if (input.targets) return planTargeted(deps, input, input.targets);
    const client = deps.teleport();
    // Teleport pages pending requests oldest first, so each run reads one page, not the cluster.
    const read = (limit: number) =>
      client
        .listAccessRequestsPage({ filter: { state: 'PENDING' }, startKey: input.afterKey, limit })
        .catch(asActivityFailure);
    let page = await read(input.pageSize);
    const fitted = fitPage(page.requests, input);
    let pending = fitted.pending;
    if (fitted.next) {
      // Requesters choose a request's size (reason, resources), so a page of large ones is cut
      // short; Teleport's next key is opaque, so the short page is read again, just that long.
      page = await read(pending.length);
      pending = page.requests.map(requestToJson);
    }
    return {
      now: teleportNow(deps),
      pending,
      ...(page.nextKey ? { nextKey: page.nextKey } : {}),
      changedUsers: [],
      ...serverLimits(deps),
    };
  };
}

/**
 * An event-driven sweep reads only the requests the event stream named, so its cost does not
 * grow with the cluster: pending ones are evaluated, approved ones have their user re-evaluated.
 * Pending ones that do not fit in one page come in the next, from `afterKey` on.
 */
async function planTargeted(
  deps: ActivityDeps,
  input: PlanInput,
  ids: string[],
): Promise<SweepPlan> {
  const client = deps.teleport();
  const found = await Promise.all(ids.map((id) => client.getAccessRequest(id))).catch(
    asActivityFailure,
  );
  const requests = found.filter((r): r is AccessRequest => r !== undefined);
  const pending = requests
    .filter((r) => r.state === 'PENDING' && (!input.afterKey || pendingKey(r) >= input.afterKey))
    .sort((a, b) => (pendingKey(a) < pendingKey(b) ? -1 : 1));
  const changedUsers = [
    ...new Set(requests.filter((r) => r.state === 'APPROVED').map((r) => r.user)),
  ].sort();
  const page = fitPage(pending, input);
  return {
    now: teleportNow(deps),
    pending: page.pending,
    ...(page.next ? { nextKey: pendingKey(page.next) } : {}),
    changedUsers,
    ...serverLimits(deps),
  };
}

/** What the worker knows of the Temporal server's limits, for the run's decision index. */
function serverLimits(deps: ActivityDeps): Pick<SweepPlan, 'searchAttributeValueLimit'> {
  const limit = deps.searchAttributeValueLimit;
  return limit ? { searchAttributeValueLimit: limit } : {};
}

/**
 * Teleport's time, read once the listing is done: the listing is evidence for the clock
 * (src/app/teleportClock.ts), so a jump of Teleport's clock shows in this very plan. The watcher
 * sets its deadline timers from this reading.
 */
function teleportNow(deps: ActivityDeps): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

/** The oldest requests that fit in one page (at least one), and the first that did not. */
function fitPage(
  requests: AccessRequest[],
  limits: Pick<PlanInput, 'pageSize' | 'pageBytes'>,
): { pending: AccessRequestJson[]; next?: AccessRequest } {
  const pending: AccessRequestJson[] = [];
  let bytes = 2;
  for (const request of requests) {
    const json = requestToJson(request);
    bytes += Buffer.byteLength(JSON.stringify(json)) + 1;
    const full = pending.length >= limits.pageSize || bytes > limits.pageBytes;
    if (full && pending.length > 0) return { pending, next: request };
    pending.push(json);
  }
  return { pending };
}
