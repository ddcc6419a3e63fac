// The ledger's pure side: what observing Teleport at `now` does to a user's spans (new grants,
// locks, deletions, retention, exemptions, maxAccess), that observing twice changes nothing and
// that an ended span never moves, and the usage report (overrides, partial windows, cooldowns).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import type { Lock } from '../../../src/domain/lock';
import {
  countApproval,
  hasBudgets,
  observeUsage,
  usageReport,
  usageRetentionMs,
} from '../../../src/policy/ledger';
import type { Environment } from '../../../src/policy/types';
import type { UserUsage } from '../../../src/policy/usage';
import { markApprovedByWatcher } from '../../../src/policy/watcherApproval';
import { at, NOW, policy, req } from './helpers';

const H = 3_600_000;
const iso = (minutes: number) => at(minutes).toISOString();

function prod(env: Omit<Environment, 'pattern'> = { budget: { hours: 8, per: '7d' } }) {
  return policy({ environments: [{ pattern: 'prod', ...env }] });
}

const approved = (id: string, created: number, expires: number, roles = ['prod-db']) =>
  req({ id, roles, created, expires });

function observe(
  requests: AccessRequest[],
  opts: {
    previous?: UserUsage;
    locks?: Lock[];
    now?: Date;
    env?: Omit<Environment, 'pattern'>;
  } = {},
): UserUsage {
  return observeUsage(
    opts.previous,
    'alice',
    requests,
    opts.locks ?? [],
    prod(opts.env),
    opts.now ?? NOW,
    iso(-600),
  );
}

void describe('hasBudgets and retention', () => {
  void it('no budget, no ledger', () => {
    assert.equal(hasBudgets(policy()), false);
    assert.equal(usageRetentionMs(policy()), 0);
    assert.equal(hasBudgets(prod({ maxAccess: '4h' })), false);
  });
  void it('the longest window plus the longest cooldown', () => {
    const p = policy({
      environments: [
        {
          pattern: 'prod',
          budget: [
            { hours: 8, per: '7d' },
            { grants: 3, per: '1d' },
          ],
        },
        { pattern: 'stage', cooldown: '2h' },
      ],
    });
    assert.equal(hasBudgets(p), true);
    assert.equal(usageRetentionMs(p), 7 * 24 * H + 2 * H);
  });
});

void describe('observeUsage: tables', () => {
  void it('seeds at first start: approved access in a budgeted environment, granted at its start', () => {
    const got = observe([
      approved('r1', -120, 60),
      approved('other-env', -120, 60, ['dev']),
      req({ id: 'pending', roles: ['prod-db'], state: 'PENDING' }),
      req({ id: 'denied', roles: ['prod-db'], state: 'DENIED' }),
      { ...approved('bob-1', -120, 60), user: 'bob' },
    ]);
    assert.deepEqual(got, {
      user: 'alice',
      since: iso(-600),
      spans: [
        {
          requestId: 'r1',
          environment: 'prod',
          start: iso(-120),
          end: iso(60),
          grantedAt: iso(-120),
        },
      ],
    });
  });

  void it('access that starts later is granted now; its start is its assume_start_time', () => {
    const r = { ...approved('later', -10, 240), assumeStartTime: at(60) };
    const [span] = observe([r]).spans;
    assert.deepEqual(span, {
      requestId: 'later',
      environment: 'prod',
      start: iso(60),
      end: iso(240),
      grantedAt: NOW.toISOString(),
    });
  });

  void it('keeps grantedAt and since from the previous ledger', () => {
    const previous: UserUsage = {
      user: 'alice',
      since: iso(-5000),
      spans: [
        {
          requestId: 'r1',
          environment: 'prod',
          start: iso(-120),
          end: iso(60),
          grantedAt: iso(-100),
        },
      ],
    };
    const got = observe([approved('r1', -120, 60)], { previous });
    assert.equal(got.since, iso(-5000));
    assert.equal(got.spans[0]?.grantedAt, iso(-100));
  });

  void it('locked: ended when the lock was made (else now); never moved later again', () => {
    const r = approved('r1', -120, 60);
    const made: Lock = { name: 'x', target: { accessRequest: 'r1' }, createdAt: at(-30) };
    assert.equal(observe([r], { locks: [made] }).spans[0]?.end, iso(-30));
    const noTime: Lock = { name: 'y', target: { accessRequest: 'r1' } };
    const ended = observe([r], { locks: [noTime] });
    assert.equal(ended.spans[0]?.end, NOW.toISOString());
    // The lock expires and the request is still approved: the ended span stays ended.
    const later = observe([r], { previous: ended, now: at(30) });
    assert.equal(later.spans[0]?.end, NOW.toISOString());
  });

  void it('deleted by Teleport: ended now if it had not ended; an ended span is kept as it was', () => {
    const previous = observe([approved('r1', -120, 60), approved('r0', -600, -300)]);
    const got = observe([], { previous, now: at(10) });
    assert.deepEqual(
      got.spans.map((s) => `${s.requestId} ${s.start}..${s.end}`),
      [`r0 ${iso(-600)}..${iso(-300)}`, `r1 ${iso(-120)}..${iso(10)}`],
    );
  });

  void it('drops what ended before the longest window (plus cooldown)', () => {
    const previous = observe([approved('old', -7 * 1440 - 200, -7 * 1440 - 50)], {
      now: at(-7 * 1440 - 60),
    });
    assert.equal(previous.spans.length, 1);
    assert.deepEqual(observe([], { previous }).spans, []);
    const withCooldown = observe([], {
      previous,
      env: { budget: { hours: 8, per: '7d' }, cooldown: '1h' },
    });
    assert.equal(withCooldown.spans.length, 1);
  });

  void it('exempt users and roles are not counted; environments without a budget dropped', () => {
    const p = { ...prod(), exempt: { users: [], roles: ['prod-break-glass'] } };
    const got = observeUsage(
      undefined,
      'alice',
      [approved('r1', -60, 60, ['prod-break-glass'])],
      [],
      p,
      NOW,
      iso(0),
    );
    assert.deepEqual(got.spans, []);
    const previous = observe([approved('r2', -60, 60)]);
    const noBudget = observeUsage(previous, 'alice', [], [], policy(), NOW, iso(0));
    assert.deepEqual(noBudget.spans, []);
  });

  void it("access the watcher approved ends at maxAccess; a human's at its expiry", () => {
    const env = { budget: { hours: 8, per: '7d' }, maxAccess: '1h' };
    const human = approved('human', -30, 240);
    const watcher = markApprovedByWatcher(
      approved('watcher', -30, 240),
      'watcher/approve/compliant',
    );
    const ends = observe([human, watcher], { env }).spans.map((s) => `${s.requestId} ${s.end}`);
    assert.deepEqual(ends, [`human ${iso(240)}`, `watcher ${iso(30)}`]);
  });

  void it('a request under two budgeted environments gets a span in each', () => {
    const p = policy({
      environments: [
        { pattern: 'prod', budget: { hours: 8, per: '7d' } },
        { pattern: 'db', budget: { grants: 2, per: '1d' } },
      ],
    });
    const got = observeUsage(undefined, 'alice', [approved('r1', -60, 60)], [], p, NOW, iso(0));
    assert.deepEqual(
      got.spans.map((s) => s.environment),
      ['db', 'prod'],
    );
  });
});

void describe('countApproval', () => {
  void it('counts a pending request as approved by the watcher, as the next observation will', () => {
    const env = { budget: { hours: 8, per: '7d' }, maxAccess: '1h' };
    const previous = observe([approved('r0', -300, -200)], { env });
    const r1 = req({ id: 'r1', roles: ['prod-db'], state: 'PENDING', created: -5, expires: 240 });
    const counted = countApproval(previous, r1, prod(env), NOW);
    assert.deepEqual(
      counted.spans.map((s) => `${s.requestId} ${s.start}..${s.end} ${s.grantedAt}`),
      [`r0 ${iso(-300)}..${iso(-200)} ${iso(-300)}`, `r1 ${iso(-5)}..${iso(55)} ${iso(-5)}`],
    );
    const inTeleport = markApprovedByWatcher({ ...r1 }, 'r1/approve/compliant');
    const seen = observe([approved('r0', -300, -200), inTeleport], { previous: counted, env });
    assert.deepEqual(seen, counted);
  });
});

// Random histories: a user's requests appear approved, get locked, get deleted, over steps in time.
const step = fc.record({
  advance: fc.integer({ min: 0, max: 600 }),
  add: fc.option(
    fc.record({
      created: fc.integer({ min: -600, max: 120 }),
      length: fc.integer({ min: 1, max: 900 }),
      later: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  lock: fc.boolean(),
  remove: fc.boolean(),
});

void describe('observeUsage: properties', () => {
  void it('idempotent, and an ended span never moves; spans sorted, within retention', () =>
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let minutes = 0;
        let requests: AccessRequest[] = [];
        const locks: Lock[] = [];
        let usage: UserUsage | undefined;
        let n = 0;
        const env = { budget: { hours: 8, per: '1d' }, cooldown: '1h' };
        for (const s of steps) {
          minutes += s.advance;
          const now = at(minutes);
          if (s.add) {
            const r = approved(
              `r${n++}`,
              minutes + s.add.created,
              minutes + s.add.created + s.add.length,
            );
            if (s.add.later !== undefined) r.assumeStartTime = at(minutes + s.add.later);
            requests.push(r);
          }
          if (s.lock && requests.length > 0) {
            const target = requests[requests.length - 1]?.id ?? '';
            locks.push({
              name: `l${locks.length}`,
              target: { accessRequest: target },
              createdAt: now,
            });
          }
          if (s.remove) requests = requests.slice(1);
          const next = observe(requests, { previous: usage, locks, now, env });
          assert.deepEqual(observe(requests, { previous: next, locks, now, env }), next);
          for (const before of usage?.spans ?? []) {
            if (Date.parse(before.end) > now.getTime()) continue;
            const after = next.spans.find(
              (x) => x.requestId === before.requestId && x.environment === before.environment,
            );
            if (after) assert.equal(after.end, before.end, 'an ended span moved');
          }
          const keys = next.spans.map((x) => `${x.start} ${x.environment} ${x.requestId}`);
          assert.deepEqual(keys, [...keys].sort());
          for (const x of next.spans) {
            assert.ok(Date.parse(x.end) >= now.getTime() - 25 * H, 'kept past retention');
            assert.ok(Date.parse(x.end) >= Date.parse(x.start), 'ends before it starts');
          }
          usage = next;
        }
      }),
      { numRuns: 200 },
    ));
});

void describe('usageReport', () => {
  const ledger = (spans: Array<[string, number, number]>, since = -30 * 1440): UserUsage => ({
    user: 'alice',
    since: iso(since),
    spans: spans.map(([id, start, end]) => ({
      requestId: id,
      environment: 'prod',
      start: iso(start),
      end: iso(end),
      grantedAt: iso(start),
    })),
  });

  void it('hours used, remaining, the next time something frees, when held access uses it up', () => {
    const usage = ledger([
      ['r1', -3 * 1440, -3 * 1440 + 300],
      ['r2', -60, 240],
    ]);
    const [report] = usageReport(
      usage,
      prod({ budget: { hours: 8, per: '7d' }, cooldown: '1h' }),
      NOW,
    );
    assert.deepEqual(report, {
      user: 'alice',
      environment: 'prod',
      ledgerSince: iso(-30 * 1440),
      partial: false,
      budgets: [
        {
          kind: 'hours',
          per: '7d',
          allowed: 8,
          used: 6,
          remaining: 2,
          overridden: false,
          partial: false,
          text: '6h of 8h in the last 7d',
          nextFree: iso(4 * 1440),
          exhaustedAt: iso(120),
        },
      ],
      cooldown: '1h',
      cooldownUntil: iso(300),
    });
  });

  void it('grants and an override; partial while the window reaches before the ledger', () => {
    const usage = ledger(
      [
        ['r1', -600, -500],
        ['r2', -300, -200],
      ],
      -720,
    );
    const p = prod({
      budget: [
        { grants: 3, per: '1d' },
        { hours: 8, per: '7d' },
      ],
      overrides: [{ user: 'alice', grants: 5 }],
    });
    const [report] = usageReport(usage, p, NOW);
    assert.equal(report?.partial, true);
    assert.deepEqual(
      report?.budgets.map((b) => [
        b.kind,
        b.allowed,
        b.used,
        b.remaining,
        b.overridden,
        b.partial,
        b.text,
      ]),
      [
        ['grants', 5, 2, 3, true, true, '2 of 5 grants in the last 1d'],
        ['hours', 8, 3.3333, 4.6667, false, true, '3h20m of 8h in the last 7d'],
      ],
    );
    assert.equal(report?.budgets[0]?.nextFree, iso(-600 + 1440));
  });
});
