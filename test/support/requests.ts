// Access requests the suites create on the simulated cluster: a node resource, a time in the past,
// and the three requests every enforcement suite starts with.
import type { SimAccessRequest, SimStore } from '../../testkit/sim';

/** A node of the simulated cluster, as a resource of an access request. */
export const node = (name: string) => ({ clusterName: 'sim', kind: 'node', name });

export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export interface EnforcementStory {
  /** alice, two nodes: compliant. */
  ok: SimAccessRequest;
  /** bob, prod and research roles together: environment separation. */
  mixed: SimAccessRequest;
  /** dave, five nodes: over the resource limit of 3 on its own. */
  many: SimAccessRequest;
}

/** One approval and two denials, each for a different user; `prefix` names the nodes. */
export function createEnforcementStory(store: SimStore, prefix: string): EnforcementStory {
  return {
    ok: store.createRequest({
      user: 'alice',
      roles: ['node-access'],
      resources: [node(`${prefix}-1`), node(`${prefix}-2`)],
    }),
    mixed: store.createRequest({ user: 'bob', roles: ['prod-access', 'research-access'] }),
    many: store.createRequest({
      user: 'dave',
      roles: ['node-access'],
      resources: ['1', '2', '3', '4', '5'].map((n) => node(`${prefix}-many-${n}`)),
    }),
  };
}
