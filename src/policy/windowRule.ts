// Access windows per environment ("prod only in working hours"): a pending request for an
// environment whose window is closed is left to humans (`outside: humans`, the default) or denied
// (`outside: deny`), its reason naming the window and when it next opens; with `closeLocks`, access
// the watcher approved that is still held when the window closes is locked (deadlines.ts says when).
import { accessEnd, type AccessRequest } from '../domain/accessRequest';
import {
  describeEnvironment,
  environmentsFor,
  environmentsWith,
  type EnvironmentMatch,
} from './environments';
import type { LockVerdict, Rule, RuleContext } from './rule';
import type { Policy } from './types';
import { approvedByWatcher } from './watcherApproval';
import { isOpen, localText, nextClose, nextOpen, parseWindow, type AccessWindow } from './window';

declare module './types' {
  interface DecisionDetails {
    /** The window that kept the request out or locked it, as written in the policy. */
    window?: string;
    /** When that window next opens, RFC 3339. */
    windowOpens?: string;
  }
}

export const windowRule: Rule<'environment-window'> = {
  name: 'environment-window',
  options: [],
  enabled: (policy) => environmentsWith(policy, 'window').length > 0,

  pending(request, { policy, now }) {
    const closed = closedWindows(request, policy, now);
    const decisive = closed.find((c) => c.env.outside === 'deny') ?? closed[0];
    if (!decisive) return { facts: {} };
    const { env, window } = decisive;
    const opens = nextOpen(window, now);
    const facts = windowFacts(window, opens);
    const when = opens ? `it next opens ${localText(window, opens)}` : 'it never opens';
    const head = `Outside the access window of ${describeEnvironment(env)}: ${JSON.stringify(window.text)}`;
    if (env.outside === 'deny') {
      return { facts, deny: `${head}; ${when}: ask again then` };
    }
    return { facts, escalate: `${head}; left to human reviewers; or ask again when ${when}` };
  },

  summary: (details) => (details.window ? `outside window ${details.window}` : undefined),

  holdingsPhase: 'exclude',
  holdings: lockAtClose,
};

/** Watcher-approved access under a closeLocks window that is closed now: locked. */
function lockAtClose({ policy, now, holdings }: RuleContext): LockVerdict[] {
  const locked: LockVerdict[] = [];
  for (const { request } of holdings) {
    if (!approvedByWatcher(request)) continue;
    const closed = closedWindows(request, policy, now).find((c) => c.env.closeLocks === true);
    if (!closed) continue;
    const opens = nextOpen(closed.window, now);
    const again = opens ? `; ask again when it opens ${localText(closed.window, opens)}` : '';
    locked.push({
      request,
      reason:
        `Access window of ${describeEnvironment(closed.env)} closed: ${JSON.stringify(closed.window.text)}; ` +
        `access the watcher approved ends at the close${again}`,
      details: windowFacts(closed.window, opens),
    });
  }
  return locked;
}

interface Closed {
  env: EnvironmentMatch;
  window: AccessWindow;
}

/** The request's environments whose window is closed at `at`, in policy order. */
function closedWindows(request: AccessRequest, policy: Policy, at: Date): Closed[] {
  return windowsOf(request, policy).filter((c) => !isOpen(c.window, at));
}

function windowsOf(request: AccessRequest, policy: Policy): Closed[] {
  return environmentsFor(request, environmentsWith(policy, 'window')).flatMap((env) => {
    const parsed = parseWindow(env.window ?? '');
    return parsed.ok ? [{ env, window: parsed.window }] : [];
  });
}

function windowFacts(window: AccessWindow, opens: Date | undefined) {
  return opens
    ? { window: window.text, windowOpens: opens.toISOString() }
    : { window: window.text };
}

/**
 * When a closeLocks window next closes on access the watcher approved (the lock is due then), with
 * the environment's pattern; undefined when no close falls while the access lasts. From the later
 * of `now` and the access's start: a start outside the window is the 'starts' deadline's business.
 */
export function windowCloseDeadline(
  request: AccessRequest,
  policy: Policy,
  now: Date,
): { at: Date; pattern: string } | undefined {
  if (!approvedByWatcher(request)) return undefined;
  const start = request.assumeStartTime;
  const from = start && start.getTime() > now.getTime() ? start : now;
  const end = accessEnd(request);
  let best: { at: Date; pattern: string } | undefined;
  for (const { env, window } of windowsOf(request, policy)) {
    if (env.closeLocks !== true || !isOpen(window, from)) continue;
    const close = nextClose(window, from);
    if (!close || (end && close.getTime() >= end.getTime())) continue;
    if (!best || close.getTime() < best.at.getTime()) best = { at: close, pattern: env.pattern };
  }
  return best;
}
