// How long access the watcher approves may last per environment (`maxAccess: 4h`): counted from
// its start (assume_start_time, else creation), the watcher locks it then, the lock ending with the
// request's access. A request asking longer is approved and told so, or left to humans with
// `longer: humans`. Only access the watcher approved is taken back: a human's approval stands.
import { accessEnd, type AccessRequest } from '../domain/accessRequest';
import { formatDuration } from '../config/duration';
import {
  askAgain,
  describeEnvironment,
  environmentsFor,
  environmentsWith,
  type EnvironmentMatch,
} from './environments';
import type { LockVerdict, Rule, RuleContext } from './rule';
import { parseMaxAccess } from './schema';
import type { Policy } from './types';
import { approvedByWatcher } from './watcherApproval';

declare module './types' {
  interface DecisionDetails {
    /** The environment's maxAccess as written (e.g. "4h"), the shortest when several apply. */
    maxAccess?: string;
    /** When the watcher locks the access, RFC 3339. */
    lockAt?: string;
  }
}

export const maxAccessRule: Rule<'max-access'> = {
  name: 'max-access',
  options: [],
  enabled: (policy) => environmentsWith(policy, 'maxAccess').length > 0,

  pending(request, { policy, now }) {
    const limit = limitFor(request, policy);
    if (!limit) return { facts: {} };
    const start = accessStart(request);
    const lockAt = new Date(start.getTime() + limit.ms);
    const facts = { maxAccess: limit.text, lockAt: lockAt.toISOString() };
    const where = describeEnvironment(limit.env);
    if (lockAt.getTime() <= now.getTime()) {
      return {
        facts,
        deny:
          `Access under ${where} may last ${limit.text} from its start (${clock(start, now)}), ` +
          `which passed while the request was pending; ask again: ${askAgain(request, request.requestReason ?? '...')}`,
      };
    }
    const end = accessEnd(request);
    if (end && end.getTime() <= lockAt.getTime()) return { facts };
    const asked = end
      ? `the ${formatDuration(end.getTime() - start.getTime())} asked`
      : 'access without end asked';
    if (limit.env.longer === 'humans') {
      return {
        facts,
        escalate:
          `Request asks for ${asked.replace(/^the | asked$/g, '')} under ${where}, longer than its maxAccess of ` +
          `${limit.text}; left to human reviewers; or ask for at most ${limit.text} (tsh request create --max-duration ${limit.text})`,
      };
    }
    return {
      facts,
      note: `approved for ${limit.text} of ${asked}; locked at ${clock(lockAt, now)}`,
    };
  },

  summary: (details) => (details.maxAccess ? `longer than ${details.maxAccess}` : undefined),

  holdingsPhase: 'exclude',
  holdings: lockWhenReached,
};

/** Watcher-approved access held `maxAccess` or longer: locked. */
function lockWhenReached({ policy, now, holdings }: RuleContext): LockVerdict[] {
  const locked: LockVerdict[] = [];
  for (const { request, start } of holdings) {
    if (!approvedByWatcher(request)) continue;
    const limit = limitFor(request, policy);
    if (!limit) continue;
    const lockAt = new Date(start.getTime() + limit.ms);
    if (now.getTime() < lockAt.getTime()) continue;
    locked.push({
      request,
      reason:
        `Maximum access of ${limit.text} under ${describeEnvironment(limit.env)} reached at ` +
        `${clock(lockAt, now)} (started ${clock(start, now)}); ask again for more: ` +
        askAgain(request, request.requestReason ?? '...'),
      details: { maxAccess: limit.text, lockAt: lockAt.toISOString() },
    });
  }
  return locked;
}

interface Limit {
  env: EnvironmentMatch;
  ms: number;
  text: string;
}

/** The shortest maxAccess among the request's environments. */
function limitFor(request: AccessRequest, policy: Policy): Limit | undefined {
  let best: Limit | undefined;
  for (const env of environmentsFor(request, environmentsWith(policy, 'maxAccess'))) {
    const ms = parseMaxAccess(env.maxAccess ?? '');
    if (ms !== undefined && (!best || ms < best.ms)) best = { env, ms, text: env.maxAccess ?? '' };
  }
  return best;
}

/** The shortest maxAccess (milliseconds) among the request's environments; undefined: none. */
export function maxAccessMs(request: AccessRequest, policy: Policy): number | undefined {
  return limitFor(request, policy)?.ms;
}

/** When the access counts from: its requested start, else its creation (as holdings count it). */
export function accessStart(request: AccessRequest): Date {
  return request.assumeStartTime ?? request.created;
}

/**
 * When the watcher must lock this access it approved for reaching maxAccess, with the environment's
 * pattern; undefined when the access ends first or no maxAccess applies.
 */
export function maxAccessDeadline(
  request: AccessRequest,
  policy: Policy,
): { at: Date; pattern: string; text: string } | undefined {
  if (!approvedByWatcher(request)) return undefined;
  const limit = limitFor(request, policy);
  if (!limit) return undefined;
  const at = new Date(accessStart(request).getTime() + limit.ms);
  const end = accessEnd(request);
  if (end && end.getTime() <= at.getTime()) return undefined;
  return { at, pattern: limit.env.pattern, text: limit.text };
}

/** "14:05 UTC" on the day of `now`, else "2026-01-02 14:05 UTC". */
function clock(at: Date, now: Date): string {
  const iso = at.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
