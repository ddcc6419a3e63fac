// What one evaluation judged, as plain JSON, and `judge`, the one way to run the engine on it: the
// evaluation activities record these inputs beside their decisions, and `decisions --explain` and
// `backtest` re-run them, so the recorded run and every re-run go through the same code and cannot
// differ. Pure; the JSON forms (RFC 3339 strings for Dates) are what Temporal's history holds.
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { requestFromJson, requestToJson, type AccessRequestJson } from '../temporal/requestJson';
import { accessEnd } from '../domain/accessRequest';
import { evaluatePending } from './pending';
import type { Decision, Policy } from './types';
import type { UserUsage } from './usage';
import { evaluateUser } from './user';

/** A lock as recorded: its Dates as RFC 3339 strings. */
export type LockJson = Omit<Lock, 'expires' | 'createdAt'> & {
  expires?: string;
  createdAt?: string;
};

/** A pending request judged on its own (evaluatePending). */
export interface PendingInputs {
  kind: 'pending';
  /** RFC 3339, Teleport's time, as the sweep's page read gave it. */
  now: string;
  request: AccessRequestJson;
  /** The user's ledger, when the evaluation had one (budgets). */
  usage?: UserUsage;
}

/** One user's holdings judged together (evaluateUser). */
export interface UserInputs {
  kind: 'user';
  now: string;
  user: string;
  /**
   * The user's requests that could be in force: approved and not ended. The others (pending,
   * denied, expired) cannot change a user's judgement, so they are left out to keep records small.
   */
  requests: AccessRequestJson[];
  /** The locks in force on those requests, as read. */
  locks: LockJson[];
  /** Watcher locks deleted since the previous evaluation: their locks come back as recreations. */
  previousWatcherLocks?: string[];
  usage?: UserUsage;
}

export type EvaluationInputs = PendingInputs | UserInputs;

export function pendingInputs(request: AccessRequestJson, now: Date): PendingInputs {
  return { kind: 'pending', now: now.toISOString(), request };
}

export function userInputs(
  user: string,
  requests: AccessRequest[],
  locks: Lock[],
  now: Date,
  previousWatcherLocks: string[] = [],
): UserInputs {
  const couldHold = requests.filter(
    (r) => r.user === user && r.state === 'APPROVED' && !ended(r, now),
  );
  return {
    kind: 'user',
    now: now.toISOString(),
    user,
    requests: couldHold.map(requestToJson),
    locks: locks.map(lockToJson),
    ...(previousWatcherLocks.length > 0 ? { previousWatcherLocks } : {}),
  };
}

/** The engine's decisions on these inputs under `policy`: what the recorded evaluation said. */
export function judge(inputs: EvaluationInputs, policy: Policy): Decision[] {
  if (inputs.kind === 'pending') return [judgePending(inputs, policy)];
  const now = new Date(inputs.now);
  return evaluateUser(
    inputs.user,
    inputs.requests.map(requestFromJson),
    inputs.locks.map(lockFromJson),
    policy,
    now,
    inputs.previousWatcherLocks ?? [],
    inputs.usage,
  );
}

export function judgePending(inputs: PendingInputs, policy: Policy): Decision {
  return evaluatePending(
    requestFromJson(inputs.request),
    policy,
    new Date(inputs.now),
    inputs.usage,
  );
}

/** The request (pending) or user (user) an evaluation was about, for listings. */
export function inputsSubject(inputs: EvaluationInputs): string {
  return inputs.kind === 'pending' ? inputs.request.id : inputs.user;
}

export function lockToJson(lock: Lock): LockJson {
  const { expires, createdAt, ...rest } = lock;
  return {
    ...rest,
    ...(expires ? { expires: expires.toISOString() } : {}),
    ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
  };
}

export function lockFromJson(lock: LockJson): Lock {
  const { expires, createdAt, ...rest } = lock;
  return {
    ...rest,
    ...(expires ? { expires: new Date(expires) } : {}),
    ...(createdAt ? { createdAt: new Date(createdAt) } : {}),
  };
}

function ended(r: AccessRequest, now: Date): boolean {
  const end = accessEnd(r);
  return end !== undefined && end.getTime() <= now.getTime();
}
