// The policy engine's public surface. Everything under src/policy/ is pure (no I/O, no clock, no
// Node built-ins, nothing from Teleport or Temporal), so activities and `simulate` share it.
export type {
  Action,
  Budget,
  BudgetOverride,
  Cap,
  CheckName,
  Decision,
  DecisionDetails,
  Environment,
  LockSpec,
  PatternMatch,
  Policy,
  PolicyName,
  ReviewMode,
  Snapshot,
} from './types';
export { DEFAULT_POLICY, defaultPolicy, validatePolicy, type PolicyKey } from './policy';
export { policySchemas } from './schema';
export { RULES, POLICY_OPTIONS, checksRun, type RuleName } from './registry';
export type { Holding, Rule, RuleContext, RuleOption } from './rule';
export { evaluatePending } from './pending';
export { evaluateUser } from './user';
export { evaluate, applyDecisions } from './evaluate';
export { WATCHER_LOCK_PREFIX, decisionId, isWatcherLock, watcherLockName } from './decision';
export { userDeadlines, type Deadline, type DeadlineKind } from './deadlines';
export { parseSnapshot, type SnapshotResult } from './snapshotFile';
export { approvedByWatcher } from './watcherApproval';
export type { UsageSpan, UserUsage } from './usage';
export {
  NO_END,
  countApproval,
  hasBudgets,
  observeUsage,
  usageReport,
  usageRetentionMs,
  type BudgetUsage,
  type EnvironmentUsage,
} from './ledger';
export type { BudgetFacts } from './budgetRule';
