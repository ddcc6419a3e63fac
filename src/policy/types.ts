// The policy engine's data: the Policy it enforces, the Snapshot it reads and the Decisions it
// returns. All of it must stay plain JSON (no Date in a Decision, no Map/Set/class) because
// policies arrive by Temporal signal and decisions travel in Temporal payloads. Rules added later
// declare their own optional Policy keys and details in their own files (see caps.ts).
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import type { RuleName } from './registry';

/** Whether a human-visible verdict is a state change or a review (Teleport's two mechanisms). */
export type ReviewMode = 'state' | 'review';

export interface Policy {
  /** Most distinct resources one user may hold through approved requests in force. */
  maxResources: number;
  resourceLimit: boolean;
  /** Environment separation: roles matching different conflictPatterns may not be held together. */
  roleConflicts: boolean;
  /** Regular expressions, matched anywhere in a role name, case-insensitive. */
  conflictPatterns: string[];
  /** Off: compliant requests are left to human reviewers (denials and locks still happen). */
  autoApprove: boolean;
  dryRun: boolean;
  /** Requests by these users, or asking for any of these roles, are left to humans entirely. */
  exempt: { users: string[]; roles: string[] };
  /** What a role-only request (no resources) counts toward maxResources. */
  roleRequestWeight: number;
  reviewMode: ReviewMode;
}

/** 'escalate': left to human reviewers, recorded with its reason; nothing is written to Teleport. */
export type Action = 'approve' | 'deny' | 'lock' | 'escalate' | 'none';

/** The policy a decision rests on: a rule's name, 'compliant' for approvals and requests left alone. */
export type PolicyName = 'compliant' | 'exempt' | RuleName;

/** A check that can run on a request (a rule's name); listed in details so an auditor sees what was judged. */
export type CheckName = RuleName;

/** Roles of one request that match one conflict pattern. */
export interface PatternMatch {
  pattern: string;
  roles: string[];
}

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
}
