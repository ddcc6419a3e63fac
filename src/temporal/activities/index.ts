// All activities the worker registers, built from injected dependencies (createActivities(deps)).
// Workflows import this module as types only, through proxyActivities<typeof activities>.
import { createActionActivities } from './actions';
import type { ActivityDeps } from './deps';
import { createEvaluateActivities } from './evaluate';
import { createHumanDecisions } from './humanDecisions';
import { createLedgerActivities } from './ledger';
import { createPlanSweep } from './planSweep';
import { createPlanUsers } from './planUsers';

export function createActivities(deps: ActivityDeps) {
  return {
    planSweep: createPlanSweep(deps),
    planUsers: createPlanUsers(deps),
    readHumanDecisions: createHumanDecisions(deps),
    ...createLedgerActivities(deps),
    ...createEvaluateActivities(deps),
    ...createActionActivities(deps),
  };
}

type Activities = ReturnType<typeof createActivities>;
export declare const planSweep: Activities['planSweep'];
export declare const planUsers: Activities['planUsers'];
export declare const readHumanDecisions: Activities['readHumanDecisions'];
export declare const readLedger: Activities['readLedger'];
export declare const writeLedger: Activities['writeLedger'];
export declare const evaluateRequest: Activities['evaluateRequest'];
export declare const evaluateUser: Activities['evaluateUser'];
export declare const approveRequest: Activities['approveRequest'];
export declare const denyRequest: Activities['denyRequest'];
export declare const lockRequest: Activities['lockRequest'];
