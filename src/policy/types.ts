// The policy engine's data: the Snapshot it reads and the Decisions it returns (the Policy it
// enforces is declared in schema.ts). All of it must stay plain JSON (no Date in a Decision, no
// Map/Set/class) because policies arrive by Temporal signal and decisions travel in Temporal
// payloads. Rules added later declare their own details in their own files (see caps.ts).
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import type { RuleName } from './ruleNames';
import type { UserUsage } from './usage';
import type { Policy } from './schema';

export type { Budget, BudgetOverride, Cap, Environment, Policy } from './schema';

/** Whether a human-visible verdict is a state change or a review (Teleport's two mechanisms). */
export type ReviewMode = Policy['reviewMode'];

/** 'escalate': left to human reviewers, recorded with its reason; nothing is written to Teleport. */
export type Action = 'approve' | 'deny' | 'lock' | 'escalate' | 'none';

/** The policy a decision rests on: a rule's name, 'compliant' for approvals and requests left alone. */
export type PolicyName = 'compliant' | 'exempt' | RuleName;

/** A check that can run on a request (a rule's name); listed in details so an auditor sees what was judged. */
export type CheckName = RuleName;

import type { PatternMatch } from './patterns';
export type { PatternMatch } from './patterns';

/** The lock a 'lock' decision asks for; expires is RFC 3339, absent for a request without expiry. */
export interface LockSpec {
  name: string;
  message: string;
  expires?: string;
}

/** The figures behind a decision. Keys are omitted, never undefined, so JSON round-trips. */
export interface DecisionDetails {
  checks: CheckName[];
  /** Distinct resources the request names. */
  resourceCount?: number;
  limit?: number;
  /** Distinct resources (plus role-only weight) held through the newer requests kept. */
  heldResources?: number;
  /** What holding this request as well would bring the user to. */
  totalResources?: number;
  /** Conflict patterns this request's roles match, with the roles matching each. */
  matches?: PatternMatch[];
  /** Environments (patterns) held by the newer requests kept. */
  heldPatterns?: string[];
  /** Newer requests kept, newest first: the ones this lock makes room for. */
  keptRequestIds?: string[];
  exemptUser?: boolean;
  exemptRoles?: string[];
  /** The watcher had locked this request before and the lock has gone. */
  lockRecreated?: boolean;
  lock?: LockSpec;
}

export interface Decision {
  /** `${requestId}/${action}/${policy}`: stable across evaluations, usable as an idempotency key. */
  id: string;
  requestId: string;
  user: string;
  action: Action;
  policy: PolicyName;
  reason: string;
  details: DecisionDetails;
  /** Present (true) only when the policy is in dry-run: report, change nothing. */
  dryRun?: true;
}

/** Everything one evaluation looks at. `now` is an input: the engine never reads a clock. */
export interface Snapshot {
  now: Date;
  requests: AccessRequest[];
  locks: Lock[];
  /** Request ids the watcher locked before; lets a recreated lock say why it came back. */
  previousWatcherLocks?: string[];
  /** Each user's ledger as kept before this snapshot (budgets); evaluate() observes it at `now`. */
  usage?: UserUsage[];
  /** RFC 3339: when the ledger began, for users without one in `usage` (default: now). */
  usageSince?: string;
}
