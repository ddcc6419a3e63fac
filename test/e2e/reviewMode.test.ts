// Review mode end to end (--review-mode=review): simulated Teleport with Teleport's review rules
// (no annotations on reviews, one review per author, role thresholds), real Temporal, real worker.
// Each test reads the outcome from the request in Teleport and from the watcher's queries.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runningStack } from '../support/stack';
import { node } from '../support/requests';

const BOT = 'bot-jit-watcher';
const TWO_APPROVALS = [{ name: 'two approvals', approve: 2, deny: 1 }];

describe('review mode end to end', () => {
  const suite = runningStack({ policy: { reviewMode: 'review' } });

  const outcomeFor = async (requestId: string) => {
    const recent = await suite.stack.control.recentDecisions();
    return recent.filter((r) => r.decision.requestId === requestId).at(-1)?.outcome;
  };
  const failures = async () => (await suite.stack.control.status()).totals.failed;

  test('approves a compliant request by one review whose reason names the decision', async () => {
    const { store } = suite.stack.sim;
    const req = store.createRequest({
      user: 'alice',
      roles: ['node-access'],
      resources: [node('a')],
    });
    await suite.stack.sweep();

    const after = store.getRequest(req.id);
    assert.equal(after?.state, 'APPROVED');
    assert.deepEqual(
      after?.reviews.map((r) => [r.author, r.proposedState]),
      [[BOT, 'APPROVED']],
    );
    assert.match(after?.resolveReason ?? '', /^Auto-approved: .*jit-watcher\/decision=/);
    assert.equal(after?.reviews[0]?.annotations, undefined);
    const outcome = await outcomeFor(req.id);
    assert.equal(outcome?.status, 'applied');
    assert.equal(outcome?.requestState, 'APPROVED');
    assert.equal(await failures(), 0);
  });

  test('denies a violation by review; the denial is final', async () => {
    const { store } = suite.stack.sim;
    const req = store.createRequest({ user: 'bob', roles: ['prod-access', 'research-access'] });
    await suite.stack.sweep();

    const after = store.getRequest(req.id);
    assert.equal(after?.state, 'DENIED');
    assert.match(after?.resolveReason ?? '', /^Request mixes environments/);
    assert.equal((await outcomeFor(req.id))?.requestState, 'DENIED');
    await suite.stack.sweep();
    assert.equal(store.getRequest(req.id)?.reviews.length, 1);
    assert.equal(await failures(), 0);
  });

  test('a role needing two approvals: pending after our review, never reviewed twice, no failures', async () => {
    const { store } = suite.stack.sim;
    const req = store.createRequest({
      user: 'carol',
      roles: ['node-access'],
      resources: [node('c')],
      thresholds: TWO_APPROVALS,
    });
    await suite.stack.sweep();

    assert.equal(store.getRequest(req.id)?.state, 'PENDING');
    const first = await outcomeFor(req.id);
    assert.equal(first?.status, 'applied');
    assert.equal(first?.requestState, 'PENDING');
    assert.match(first?.detail ?? '', /still PENDING/);

    await suite.stack.sweep();
    await suite.stack.sweep();
    const after = store.getRequest(req.id);
    assert.equal(after?.state, 'PENDING');
    assert.deepEqual(
      after?.reviews.map((r) => r.author),
      [BOT],
    );
    const later = await outcomeFor(req.id);
    assert.equal(later?.status, 'skipped');
    assert.match(later?.detail ?? '', /already reviewed by bot-jit-watcher/);
    assert.equal(await failures(), 0);

    // A human's approval completes it.
    store.submitReview(req.id, { author: 'hank', proposedState: 'APPROVED', reason: 'agreed' });
    assert.equal(store.getRequest(req.id)?.state, 'APPROVED');
  });

  test("a human's earlier review stands: the watcher's is skipped and recorded", async () => {
    const { store } = suite.stack.sim;
    const req = store.createRequest({
      user: 'dave',
      roles: ['node-access'],
      resources: [node('d')],
      thresholds: TWO_APPROVALS,
    });
    store.submitReview(req.id, { author: 'hank', proposedState: 'APPROVED', reason: 'fine' });
    const resolved = store.createRequest({ user: 'erin', roles: ['node-access'] });
    store.submitReview(resolved.id, { author: 'hank', proposedState: 'APPROVED', reason: 'ok' });
    await suite.stack.sweep();

    const after = store.getRequest(req.id);
    assert.equal(after?.state, 'PENDING');
    assert.deepEqual(
      after?.reviews.map((r) => r.author),
      ['hank'],
    );
    const outcome = await outcomeFor(req.id);
    assert.equal(outcome?.status, 'skipped');
    assert.match(outcome?.detail ?? '', /already reviewed by hank \(APPROVED\)/);
    assert.deepEqual(
      store.getRequest(resolved.id)?.reviews.map((r) => r.author),
      ['hank'],
    );
    assert.equal(await failures(), 0);
  });
});
