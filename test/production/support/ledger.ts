// Counts what the simulated cluster was made to do, from its own change feed: how many times each
// request entered APPROVED or DENIED and each lock was written. "0 lost, 0 doubled" is read here,
// on the Teleport side, whatever the workers or the Temporal server went through.
import type { SimStore } from '../../../testkit/sim';

export interface Ledger {
  approved(id: string): number;
  denied(id: string): number;
  lockWrites(name: string): number;
  stop(): void;
}

export function watchLedger(store: SimStore): Ledger {
  const approved = new Map<string, number>();
  const denied = new Map<string, number>();
  const locks = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string): void =>
    void m.set(key, (m.get(key) ?? 0) + 1);
  const stop = store.subscribe((event) => {
    if (event.type !== 'put') return;
    if (event.kind === 'lock') bump(locks, event.lock.name);
    else if (event.request.state === 'APPROVED') bump(approved, event.request.id);
    else if (event.request.state === 'DENIED') bump(denied, event.request.id);
  });
  return {
    approved: (id) => approved.get(id) ?? 0,
    denied: (id) => denied.get(id) ?? 0,
    lockWrites: (name) => locks.get(name) ?? 0,
    stop,
  };
}
