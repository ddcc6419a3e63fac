// Reads the requests the watcher left to humans that a sweep no longer found pending, and turns
// each one a human approved or denied into a human-decision record (with the reviewers and the
// engine's verdict beside it). Its result, in the sweep's history, is what `jit-watcher agreement`
// reads; the watcher forgets the rest (gone, or resolved some other way).
import { humanDecision } from '../../policy/agreement';
import type { HumanDecisionsInput, HumanDecisionsResult } from '../sweepTypes';
import type { ActivityDeps } from './deps';
import { asActivityFailure } from './failures';

export function createHumanDecisions(deps: ActivityDeps) {
  return async function readHumanDecisions(
    input: HumanDecisionsInput,
  ): Promise<HumanDecisionsResult> {
    const client = deps.teleport();
    const found = await Promise.all(
      input.awaiting.map((a) => client.getAccessRequest(a.requestId)),
    ).catch(asActivityFailure);
    const result: HumanDecisionsResult = { decided: [], gone: [] };
    input.awaiting.forEach((awaiting, i) => {
      const request = found[i];
      if (request?.state === 'PENDING') return; // pending again between the read and now: wait on
      const decided = request && humanDecision(awaiting, request);
      if (!decided) {
        result.gone.push(awaiting.requestId);
        return;
      }
      result.decided.push(decided);
      deps.metrics?.humanDecisions.inc({ human: decided.human, agrees: String(decided.agrees) });
      deps.log.info('human decision', {
        requestId: decided.requestId,
        user: decided.user,
        human: decided.human,
        reviewers: decided.reviewers.join(','),
        engine: `${decided.engine.action} (${decided.engine.policy})`,
        agrees: decided.agrees,
      });
    });
    return result;
  };
}
