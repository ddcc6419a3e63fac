// The demo's StoryAct: creates each request in the simulated cluster, signals sweepNow, and waits
// for the outcome on the Teleport side (request state, watcher lock), never on timing. It works
// the same whether the sweepNow signal, the event stream or the poll made the decision.
import type { ResourceId } from '../../src/domain/accessRequest';
import type { Action } from '../../src/policy/types';
import type { NewRequest, SimStore } from '../sim';
import type { WatcherControl } from '../../src/temporal/control';
import { watcherWorkflowId } from '../../src/temporal/names';
import { waitFor } from '../../src/util/waitFor';
import { guarded, stopping, type Guard } from './guard';
import { stepHeader, whereToSee } from './printer';
import type { Pending, StoryAct, StoryRequest } from './story';

/** Longer than the poll interval, so a lost signal is still covered by the periodic sweep. */
const OUTCOME_TIMEOUT_MS = 45_000;
/** The watcher records a sweep's decisions when the sweep ends, just after its last action. */
const RECORD_TIMEOUT_MS = 10_000;

export interface DemoActOptions {
  store: SimStore;
  cluster: string;
  control: WatcherControl;
  webUiUrl?: string;
  out: (line: string) => void;
  guard: Guard;
}

export function createDemoAct(o: DemoActOptions): StoryAct {
  return {
    announce(step, number) {
      o.out(stepHeader(number, step.title));
    },
    create(request) {
      return o.store.createRequest(toNewRequest(request, o.cluster)).id;
    },
    sweepNow() {
      return guarded(o.control.sweepNow(), o.guard);
    },
    settle(outcomes) {
      const what = outcomes.map(describe).join(' and ');
      return guarded(
        storeCondition(o.store, () => outcomes.every((p) => holds(o.store, p)), what),
        o.guard,
      );
    },
    async explain(step, outcomes) {
      const sweeps = await guarded(sweepsThatDecided(o.control, outcomes, o.guard.signal), o.guard);
      const ids = sweeps.length > 0 ? sweeps : [watcherWorkflowId(o.cluster)];
      o.out(`  → ${step.why}`);
      for (const id of ids) o.out(`    see ${whereToSee(o.webUiUrl, id)}`);
    },
  };
}

function toNewRequest(request: StoryRequest, cluster: string): NewRequest {
  const resources: ResourceId[] = (request.nodes ?? []).map((name) => ({
    clusterName: cluster,
    kind: 'node',
    name,
  }));
  return { user: request.user, roles: request.roles, resources, reason: request.reason };
}

function describe(p: Pending): string {
  return `${p.user}'s request ${p.key} to be ${p.outcome}`;
}

/** True once Teleport shows the outcome: the request's state, or a watcher lock on it. */
function holds(store: SimStore, p: Pending): boolean {
  if (p.outcome === 'locked') {
    return store.listLocks().some((l) => l.target.accessRequest === p.id);
  }
  return store.getRequest(p.id)?.state === (p.outcome === 'approved' ? 'APPROVED' : 'DENIED');
}

/** Resolves when `check` holds: now, or after some store change; rejects after the timeout. */
function storeCondition(store: SimStore, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${OUTCOME_TIMEOUT_MS / 1000} s waiting for ${what}`)),
      OUTCOME_TIMEOUT_MS,
    );
    // Listeners run inside the store's write: read the store once that write has finished.
    const unsubscribe = store.subscribe(() => queueMicrotask(() => check() && finish()));
    if (check()) finish();
  });
}

const ACTIONS: Record<Pending['outcome'], Action> = {
  approved: 'approve',
  denied: 'deny',
  locked: 'lock',
};

/** The sweep workflows whose recorded decisions produced these outcomes; [] if not recorded. */
async function sweepsThatDecided(
  control: WatcherControl,
  outcomes: Pending[],
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const key = (requestId: string, action: Action): string => `${requestId}/${action}`;
  const wanted = new Set(outcomes.map((p) => key(p.id, ACTIONS[p.outcome])));
  try {
    const records = await waitFor(
      async () => {
        if (stopping(signal)) return [];
        const found = (await control.recentDecisions()).filter(
          (r) =>
            r.outcome.status === 'applied' &&
            wanted.has(key(r.decision.requestId, r.decision.action)),
        );
        const seen = new Set(found.map((r) => key(r.decision.requestId, r.decision.action)));
        return seen.size === wanted.size && found;
      },
      { timeoutMs: RECORD_TIMEOUT_MS, intervalMs: 100, what: 'decisions to be recorded' },
    );
    return [...new Set(records.map((r) => r.sweepId))];
  } catch {
    // Only the link depends on it: fall back to the watcher's page.
    return [];
  }
}
