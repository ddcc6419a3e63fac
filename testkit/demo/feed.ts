// Prints each decision the moment it lands in Teleport: a request turning approved or denied, a
// watcher lock appearing. It reads the store's change feed only, never the watcher, so what it
// shows is what Teleport holds. Listeners run inside the store's write: nothing here may write.
import { isWatcherLock } from '../../src/policy/decision';
import type { SimAccessRequest, SimLock, SimStore, StoreEvent } from '../sim';
import { decisionLine } from './printer';

export interface DecisionFeed {
  stop(): void;
}

export function watchDecisions(store: SimStore, out: (line: string) => void): DecisionFeed {
  // Last known copy of each request, so a lock can name its request's user without a store read.
  const requests = new Map<string, SimAccessRequest>();
  const lockedNames = new Set<string>();

  const onRequest = (request: SimAccessRequest): void => {
    const before = requests.get(request.id)?.state;
    requests.set(request.id, request);
    if (request.state === before) return;
    if (request.state !== 'APPROVED' && request.state !== 'DENIED') return;
    out(
      decisionLine({
        outcome: request.state === 'APPROVED' ? 'approved' : 'denied',
        user: request.user,
        requestId: request.id,
        roles: request.roles,
        resources: request.resources,
        reason: request.resolveReason,
      }),
    );
  };

  const onLock = (lock: SimLock): void => {
    const requestId = lock.target.accessRequest;
    if (!isWatcherLock(lock.name) || !requestId || lockedNames.has(lock.name)) return;
    lockedNames.add(lock.name);
    const request = requests.get(requestId);
    out(
      decisionLine({
        outcome: 'locked',
        user: request?.user ?? '?',
        requestId,
        roles: request?.roles ?? [],
        resources: request?.resources ?? [],
        reason: lock.message,
      }),
    );
  };

  const unsubscribe = store.subscribe((event: StoreEvent) => {
    if (event.type !== 'put') return;
    if (event.kind === 'access_request') onRequest(event.request);
    else onLock(event.lock);
  });
  return { stop: unsubscribe };
}
