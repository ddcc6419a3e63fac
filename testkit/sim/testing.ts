// Awaitable conditions on a simulated cluster, for tests and benchmarks that must wait for
// something to happen (a watcher approving a request, a lock appearing) without sleeping.
// Store waits are event-driven; `waitFor` polls only state outside the store.
import type { RequestState, SimAccessRequest, SimLock, StoreEvent } from './model';
import type { SimStore } from './store';

export { waitFor, type WaitOptions } from '../../src/util/waitFor';

export interface EventWaitOptions {
  timeoutMs?: number;
  /** Names the condition in the timeout error. */
  what?: string;
}

/** The first store change (from now on) that satisfies `predicate`. */
export function waitForStoreEvent(
  store: SimStore,
  predicate: (event: StoreEvent) => boolean,
  { timeoutMs = 10_000, what = 'store event' }: EventWaitOptions = {},
): Promise<StoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = store.subscribe((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

/** Resolves with the request once it is in `state` (immediately if it already is). */
export async function waitForRequestState(
  store: SimStore,
  id: string,
  state: RequestState,
  options: EventWaitOptions = {},
): Promise<SimAccessRequest> {
  const current = store.getRequest(id);
  if (current?.state === state) return current;
  const event = await waitForStoreEvent(
    store,
    (e) =>
      e.type === 'put' &&
      e.kind === 'access_request' &&
      e.request.id === id &&
      e.request.state === state,
    { what: `request ${id} to become ${state}`, ...options },
  );
  if (event.type !== 'put' || event.kind !== 'access_request') throw new Error('unreachable');
  return event.request;
}

/** Resolves with the first lock (existing or new) that satisfies `predicate`. */
export async function waitForLock(
  store: SimStore,
  predicate: (lock: SimLock) => boolean,
  options: EventWaitOptions = {},
): Promise<SimLock> {
  const existing = store.listLocks().find(predicate);
  if (existing) return existing;
  const event = await waitForStoreEvent(
    store,
    (e) => e.type === 'put' && e.kind === 'lock' && predicate(e.lock),
    { what: 'lock', ...options },
  );
  if (event.type !== 'put' || event.kind !== 'lock') throw new Error('unreachable');
  return event.lock;
}
