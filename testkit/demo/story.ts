// The demo's story as plain data, and the loop that plays it. Playing goes through an injected
// StoryAct, so the demo drives a real stack and a test can drive anything else; nothing here
// touches Teleport, Temporal or the terminal.

export type Outcome = 'approved' | 'denied' | 'locked';

export interface StoryRequest {
  /** Names the request in expectations and in the demo's summary: stable across runs. */
  key: string;
  user: string;
  roles: string[];
  /** Node names; the act turns them into resource ids of the demo cluster. */
  nodes?: string[];
  reason: string;
}

export interface Expectation {
  key: string;
  outcome: Outcome;
}

export interface StoryStep {
  title: string;
  requests: StoryRequest[];
  /** What must be true on the Teleport side before the next step starts. */
  expect: Expectation[];
  /** Why the watcher decided so, in a sentence a new user can follow. */
  why: string;
}

/** An expectation with the Teleport request id the act created for its key. */
export interface Pending {
  key: string;
  id: string;
  user: string;
  outcome: Outcome;
}

export interface StoryAct {
  announce(step: StoryStep, number: number): void;
  /** Creates the request in Teleport and returns its id. */
  create(request: StoryRequest): string;
  /** Asks the watcher to sweep now instead of at its next poll. */
  sweepNow(): Promise<void>;
  /** Resolves once every outcome holds on the Teleport side; rejects on timeout. */
  settle(outcomes: Pending[]): Promise<void>;
  /** After the step: where to see it, why it happened. */
  explain(step: StoryStep, outcomes: Pending[]): Promise<void>;
}

const nodes = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Written for the default policy: 3 resources per user, prod and research kept apart. */
const STORY: readonly StoryStep[] = [
  {
    title: 'alice asks for 2 nodes',
    requests: [
      {
        key: 'alice-1',
        user: 'alice',
        roles: ['node-access'],
        nodes: nodes('web', 2),
        reason: 'deploy the web tier',
      },
    ],
    expect: [{ key: 'alice-1', outcome: 'approved' }],
    why: '2 resources are within the limit of 3, so the watcher approves at once.',
  },
  {
    title: 'alice asks for 2 more nodes',
    requests: [
      {
        key: 'alice-2',
        user: 'alice',
        roles: ['node-access'],
        nodes: nodes('db', 2),
        reason: 'migrate the database',
      },
    ],
    expect: [
      { key: 'alice-2', outcome: 'approved' },
      { key: 'alice-1', outcome: 'locked' },
    ],
    why: 'Holding 4 would exceed the limit of 3: the newest request wins, her oldest is locked.',
  },
  {
    title: 'bob asks for prod and research in one request',
    requests: [
      {
        key: 'bob',
        user: 'bob',
        roles: ['prod-access', 'research-access'],
        reason: 'compare prod with the research copy',
      },
    ],
    expect: [{ key: 'bob', outcome: 'denied' }],
    why: 'prod and research may never be held together, so the request is denied.',
  },
  {
    title: 'carol asks for prod',
    requests: [{ key: 'carol-prod', user: 'carol', roles: ['prod-db'], reason: 'on call' }],
    expect: [{ key: 'carol-prod', outcome: 'approved' }],
    why: 'One environment is fine: approved.',
  },
  {
    title: 'carol, still holding prod, asks for research',
    requests: [
      { key: 'carol-research', user: 'carol', roles: ['research-lab'], reason: 'experiment' },
    ],
    expect: [
      { key: 'carol-research', outcome: 'approved' },
      { key: 'carol-prod', outcome: 'locked' },
    ],
    why: 'The newest environment wins: research is approved and her prod request is locked.',
  },
  {
    title: 'dave asks for 5 nodes at once',
    requests: [
      {
        key: 'dave',
        user: 'dave',
        roles: ['node-access'],
        nodes: nodes('batch', 5),
        reason: 'batch job',
      },
    ],
    expect: [{ key: 'dave', outcome: 'denied' }],
    why: 'A single request over the limit can never comply, so it is denied.',
  },
];

/** Plays the steps in order; returns each story key's Teleport request id. */
export async function playStory(
  act: StoryAct,
  steps: readonly StoryStep[] = STORY,
): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const users: Record<string, string> = {};
  for (const [index, step] of steps.entries()) {
    act.announce(step, index + 1);
    for (const request of step.requests) {
      ids[request.key] = act.create(request);
      users[request.key] = request.user;
    }
    const outcomes = step.expect.map((e) => pending(e, ids, users));
    // Signalled after the requests exist, so the sweep it starts reads them.
    await act.sweepNow();
    await act.settle(outcomes);
    await act.explain(step, outcomes);
  }
  return ids;
}

function pending(
  expectation: Expectation,
  ids: Record<string, string>,
  users: Record<string, string>,
): Pending {
  const id = ids[expectation.key];
  const user = users[expectation.key];
  if (id === undefined || user === undefined) {
    throw new Error(`story: step expects "${expectation.key}" before any step created it`);
  }
  return { ...expectation, id, user };
}
