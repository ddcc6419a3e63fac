// Tells a sweep which users to evaluate: those whose holdings (approved requests in force, minus
// locked ones) differ from the fingerprint of their last evaluation, or every holder on a full
// evaluation. Reads the cluster's approved requests and locks once per sweep; only the names of
// the users cross into workflow history.
import type { Fingerprints, UsersPlan, UsersPlanInput } from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';
import { holdingsFingerprints } from './holdingsFingerprint';

export function createPlanUsers(deps: ActivityDeps) {
  return async function planUsers(input: UsersPlanInput): Promise<UsersPlan> {
    const now = deps.now?.() ?? new Date();
    const client = deps.teleport();
    const [approved, locks] = await Promise.all([
      client.listAccessRequests({ state: 'APPROVED' }),
      // In force only: a cluster keeps ended locks until their metadata expiry (older watchers
      // never set one), and reading those every sweep would grow with every lock ever made.
      client.getLocks({ inForceOnly: true }),
    ]).catch(asActivityFailure);
    const current = holdingsFingerprints(approved, locks, now);
    const ended =
      input.ledger && input.fullEvaluation
        ? approved.map((r) => r.user).filter((user) => !current.has(user))
        : [];
    const plan = {
      changedUsers: [
        ...new Set([...changed(current, input.fingerprints, input.fullEvaluation), ...ended]),
      ].sort(),
      goneUsers: Object.keys(input.fingerprints).filter((user) => !current.has(user)),
    };
    deps.log.debug('users planned', {
      approved: approved.length,
      locks: locks.length,
      holders: current.size,
      changedUsers: plan.changedUsers.length,
      goneUsers: plan.goneUsers.length,
    });
    return plan;
  };
}

function changed(current: Map<string, string>, known: Fingerprints, all: boolean): string[] {
  return [...current]
    .filter(([user, fingerprint]) => all || known[user] !== fingerprint)
    .map(([user]) => user)
    .sort();
}
