// jit-watcher's own Prometheus metrics: decisions by action and policy, Teleport calls made,
// sweep durations, identity expiry. Kept on a private registry so tests can build one each.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface AppMetrics {
  registry: Registry;
  decisions: Counter<'action' | 'policy'>;
  /** Shadow mode: evaluations where the candidate policy disagreed, by the candidate's rule. */
  shadowDisagreements: Counter<'policy'>;
  /** Requests left to humans that a human then decided, and whether the engine agreed. */
  humanDecisions: Counter<'human' | 'agrees'>;
  actions: Counter<'action' | 'status'>;
  sweepSeconds: Histogram;
  identityExpirySeconds: Gauge;
  watchConnected: Gauge;
  /** Signals sent from the event stream; with several workers, duplicates show up here. */
  eventSignals: Counter<'reconcile'>;
  errors: Counter<'where'>;
  /** Estimated Teleport time minus local time; see src/app/clockSkew.ts. */
  clockOffsetSeconds: Gauge;
  clockSkewed: Gauge;
  /** 1 while the watcher workflow runs and its workflow tasks complete. */
  watcherHealthy: Gauge;
  watcherRecreated: Counter;
  ready: Gauge;
  /**
   * Each budget's use as a fraction of what it allows, observed at every evaluation of a user
   * with budgets (locks when one runs out: jit_watcher_decisions_total{policy="budget"}).
   */
  budgetUse: Histogram<'environment' | 'kind'>;
}

export function createAppMetrics(): AppMetrics {
  const registry = new Registry();
  return {
    registry,
    decisions: new Counter({
      name: 'jit_watcher_decisions_total',
      help: 'Decisions made, by action (approve, deny, lock, escalate, none) and policy',
      labelNames: ['action', 'policy'],
      registers: [registry],
    }),
    shadowDisagreements: new Counter({
      name: 'jit_watcher_shadow_disagreements_total',
      help: 'Evaluations where the shadow policy decided otherwise than the live one, by the shadow decision policy',
      labelNames: ['policy'],
      registers: [registry],
    }),
    humanDecisions: new Counter({
      name: 'jit_watcher_human_decisions_total',
      help: 'Requests left to humans that a human approved or denied, by decision and whether the engine agreed',
      labelNames: ['human', 'agrees'],
      registers: [registry],
    }),
    actions: new Counter({
      name: 'jit_watcher_actions_total',
      help: 'Approve, deny and lock calls to Teleport, by outcome',
      labelNames: ['action', 'status'],
      registers: [registry],
    }),
    sweepSeconds: new Histogram({
      name: 'jit_watcher_sweep_plan_seconds',
      help: 'Time to read the cluster for one sweep run',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    identityExpirySeconds: new Gauge({
      name: 'jit_watcher_identity_expiry_seconds',
      help: 'Seconds until the Teleport identity in use expires',
      registers: [registry],
    }),
    watchConnected: new Gauge({
      name: 'jit_watcher_event_stream_connected',
      help: '1 while the Teleport event stream is connected',
      registers: [registry],
    }),
    eventSignals: new Counter({
      name: 'jit_watcher_event_signals_total',
      help: 'requestsChanged signals this worker sent from the event stream',
      labelNames: ['reconcile'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'jit_watcher_errors_total',
      help: 'Errors by where they happened',
      labelNames: ['where'],
      registers: [registry],
    }),
    clockOffsetSeconds: new Gauge({
      name: 'jit_watcher_clock_offset_seconds',
      help: "Teleport's clock minus this machine's, as estimated from times Teleport stamped",
      registers: [registry],
    }),
    clockSkewed: new Gauge({
      name: 'jit_watcher_clock_skewed',
      help: "1 while this machine's clock is off Teleport's by more than a minute",
      registers: [registry],
    }),
    watcherHealthy: new Gauge({
      name: 'jit_watcher_watcher_healthy',
      help: '1 while the watcher workflow runs and its workflow tasks do not keep failing',
      registers: [registry],
    }),
    watcherRecreated: new Counter({
      name: 'jit_watcher_watcher_recreated_total',
      help: 'Times this process started the watcher again after it was terminated, completed or failed',
      registers: [registry],
    }),
    ready: new Gauge({
      name: 'jit_watcher_ready',
      help: '1 while /readyz answers ready (this process can enforce)',
      registers: [registry],
    }),
    budgetUse: new Histogram({
      name: 'jit_watcher_budget_use_ratio',
      help: "A user's use of a budget (hours or grants) over what it allows, by environment, at each evaluation",
      labelNames: ['environment', 'kind'],
      buckets: [0.25, 0.5, 0.75, 0.9, 1],
      registers: [registry],
    }),
  };
}
