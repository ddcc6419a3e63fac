// The decision log reads local activity results from the SDK's internal marker format. Over real
// sweep histories recorded with this SDK, every marker must be understood and yield the decisions
// and outcomes: if an SDK upgrade changes the format, this fails instead of the audit going empty.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Decision } from '../../../src/policy/types';
import { decisionsInHistory } from '../../../src/temporal/decisionLog';
import { readLocalActivityMarker } from '../../../src/temporal/localActivityMarker';
import { recordedRuns } from '../../support/histories';

const ACTIVITIES = new Set([
  'evaluateRequest',
  'evaluateUser',
  'approveRequest',
  'denyRequest',
  'lockRequest',
]);

describe('local activity markers in recorded sweeps', () => {
  const sweeps = recordedRuns().filter((r) => r.workflowType === 'sweep');

  it('are all read, with a known activity type and a result', () => {
    let markers = 0;
    for (const run of sweeps) {
      for (const event of run.events) {
        if (!event.markerRecordedEventAttributes) continue;
        const name = event.markerRecordedEventAttributes.markerName ?? '';
        if (name === 'core_patch') continue; // patched(): not an activity
        const record = readLocalActivityMarker(event);
        assert.ok(record, `${run.file}: marker ${name} is not a local activity marker we know`);
        assert.ok(ACTIVITIES.has(record.type), `${run.file}: activity type "${record.type}"`);
        assert.ok(record.result !== undefined || record.failure, `${run.file}: no result`);
        markers += 1;
      }
    }
    assert.ok(markers > 10, `only ${markers} local activity markers in ${sweeps.length} sweeps`);
  });

  it('give the decision log every kind of decision with its outcome', () => {
    const logged = sweeps.flatMap((r) => decisionsInHistory(r.events, r.workflowId, r.runId));
    const kinds = new Set(logged.map((l) => `${l.decision.action}:${l.outcome?.status ?? '-'}`));
    for (const kind of ['approve:applied', 'deny:applied', 'lock:applied'])
      assert.ok(kinds.has(kind), `${kind} among ${[...kinds].join(', ')}`);
    // A dry run takes no action, so its decisions have no outcome; they are recorded all the same.
    assert.ok(logged.some((l) => l.decision.dryRun === true && l.decision.action === 'lock'));
  });
});

describe('an escalation in the decision log', () => {
  it('is recorded with outcome escalated and its reason, as no action runs for it', () => {
    const event: temporal.api.history.v1.IHistoryEvent = {
      markerRecordedEventAttributes: {
        markerName: 'core_local_activity',
        details: {
          data: {
            payloads: [defaultPayloadConverter.toPayload({ activity_type: 'evaluateRequest' })],
          },
          result: { payloads: [defaultPayloadConverter.toPayload(escalation)] },
        },
      },
    };
    const [logged] = decisionsInHistory([event], 'sweep-1', 'run-1');
    assert.equal(logged?.decision.action, 'escalate');
    assert.deepEqual(logged?.outcome, { status: 'escalated', detail: escalation.reason });
  });
});

const escalation: Decision = {
  id: 'r1/escalate/compliant',
  requestId: 'r1',
  user: 'alice',
  action: 'escalate',
  policy: 'compliant',
  reason: 'left to humans: outside the window Mon-Fri 08:00-18:00 Europe/Berlin',
  details: { checks: [] },
};
