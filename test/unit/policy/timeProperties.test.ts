// Properties of the time rules over random windows, zones, times and requests: no approval outside
// the window; a window's next opening and closing are real edges (DST included); no access the
// watcher approved outlives maxAccess (a user evaluation at any now >= start + maxAccess locks it,
// and the deadline is that moment); the reason rule approves exactly the reasons RE2 matches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import { ANNOTATION_DECISION } from '../../../src/domain/annotations';
import { userDeadlines } from '../../../src/policy/deadlines';
import { evaluatePending } from '../../../src/policy/pending';
import { evaluateUser } from '../../../src/policy/user';
import { isOpen, nextClose, nextOpen, parseWindow } from '../../../src/policy/window';
import { policy } from './helpers';

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'UTC',
  'America/Sao_Paulo',
];
const DAYS = ['Mon-Fri', 'Sat', 'Sun', 'daily', 'Fri-Mon', 'Tue-Thu'];
// Around the 2026 DST changes of both hemispheres, and ordinary days.
const instant = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) })
  .map((ms) => new Date(ms - (ms % 60_000)));
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const windowText = fc
  .tuple(
    fc.constantFrom(...DAYS),
    fc.integer({ min: 0, max: 47 }),
    fc.integer({ min: 1, max: 47 }),
    fc.constantFrom(...ZONES),
  )
  .map(
    ([days, a, len, zone]) =>
      `${days} ${hhmm(a * 30)}-${hhmm(((a + len) % 48) * 30 || 1440)} ${zone}`,
  )
  .filter((text) => parseWindow(text).ok);

function request(created: Date, hours: number, extra: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'r1',
    user: 'alice',
    roles: ['prod-db'],
    resources: [],
    state: 'PENDING',
    created,
    expires: new Date(created.getTime() + hours * 3_600_000),
    reviews: [],
    ...extra,
  };
}

void describe('time rule properties', () => {
  void it('no approval outside the window', () => {
    fc.assert(
      fc.property(
        windowText,
        instant,
        fc.constantFrom('humans' as const, 'deny' as const),
        (window, now, outside) => {
          const p = policy({
            environments: [{ pattern: 'prod', window, outside }],
          });
          const d = evaluatePending(request(new Date(now.getTime() - 60_000), 1), p, now);
          const parsed = parseWindow(window);
          const open = parsed.ok && isOpen(parsed.window, now);
          assert.equal(d.action === 'approve', open);
        },
      ),
    );
  });

  void it('next opening and next closing are edges: closed just before / open at, and back', () => {
    fc.assert(
      fc.property(windowText, instant, (text, now) => {
        const parsed = parseWindow(text);
        if (!parsed.ok) return;
        const w = parsed.window;
        if (isOpen(w, now)) {
          const close = nextClose(w, now);
          if (!close) return; // always open
          assert.ok(close.getTime() > now.getTime());
          assert.ok(!isOpen(w, close), `${text}: open at its close ${close.toISOString()}`);
          assert.ok(isOpen(w, new Date(close.getTime() - 1)));
        } else {
          const open = nextOpen(w, now);
          assert.ok(
            open && open.getTime() > now.getTime(),
            `${text}: never opens after ${now.toISOString()}`,
          );
          assert.ok(isOpen(w, open));
          assert.ok(!isOpen(w, new Date(open.getTime() - 1)));
        }
      }),
    );
  });

  void it('no access the watcher approved outlives maxAccess; the deadline is when it is reached', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 0, max: 100 * 3_600_000 }),
        fc.option(fc.integer({ min: 0, max: 10 * 3_600_000 }), { nil: undefined }),
        (created, maxHours, askedHours, later, startDelay) => {
          const start =
            startDelay === undefined ? created : new Date(created.getTime() + startDelay);
          const r = request(created, askedHours, {
            state: 'APPROVED',
            resolveAnnotations: { [ANNOTATION_DECISION]: ['r1/approve/compliant'] },
            ...(startDelay === undefined ? {} : { assumeStartTime: start }),
          });
          const p = policy({ environments: [{ pattern: 'prod', maxAccess: `${maxHours}h` }] });
          const reached = start.getTime() + maxHours * 3_600_000;
          const now = new Date(created.getTime() + later);
          const inForce =
            now.getTime() >= start.getTime() && now.getTime() < (r.expires?.getTime() ?? Infinity);
          const decisions = evaluateUser('alice', [r], [], p, now);
          const locks = decisions.filter((d) => d.action === 'lock');
          assert.equal(locks.length, inForce && now.getTime() >= reached ? 1 : 0);
          const deadline = userDeadlines('alice', [r], [], p, now).find(
            (d) => d.kind === 'max-access',
          );
          if (deadline) {
            assert.equal(deadline.at, new Date(reached).toISOString());
            assert.equal(evaluateUser('alice', [r], [], p, new Date(reached))[0]?.action, 'lock');
          } else {
            assert.ok(now.getTime() >= reached || reached >= (r.expires?.getTime() ?? Infinity));
          }
        },
      ),
    );
  });

  void it('closeLocks: a window-closes deadline is a close, and an evaluation at it locks', () => {
    fc.assert(
      fc.property(windowText, instant, fc.integer({ min: 1, max: 96 }), (window, now, hours) => {
        const created = new Date(now.getTime() - 60_000);
        const r = request(created, hours, {
          state: 'APPROVED',
          resolveAnnotations: { [ANNOTATION_DECISION]: ['r1/approve/compliant'] },
        });
        const p = policy({ environments: [{ pattern: 'prod', window, closeLocks: true }] });
        const parsed = parseWindow(window);
        if (!parsed.ok) return;
        const deadline = userDeadlines('alice', [r], [], p, now).find(
          (d) => d.kind === 'window-closes',
        );
        const locksNow = evaluateUser('alice', [r], [], p, now).some((d) => d.action === 'lock');
        assert.equal(locksNow, !isOpen(parsed.window, now));
        if (!deadline) return;
        const at = new Date(deadline.at);
        assert.ok(isOpen(parsed.window, new Date(at.getTime() - 1)) && !isOpen(parsed.window, at));
        assert.equal(evaluateUser('alice', [r], [], p, at)[0]?.action, 'lock');
        assert.equal(deadline.what, 'lock r1: prod window closes');
      }),
    );
  });

  void it('the reason rule approves exactly the reasons RE2 matches', () => {
    const patterns = ['^(INC|CHG)-[0-9]+', 'ticket', '(?i)^jira-\\d{2,}$'];
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.oneof(
          fc.string(),
          fc.constantFrom('INC-12: x', 'CHG-9', 'a ticket', 'JIRA-123', 'jira-1'),
        ),
        (pattern, reason) => {
          const p = policy({ environments: [{ pattern: 'prod', reason: pattern }] });
          const now = new Date('2026-01-01T12:00:00Z');
          const d = evaluatePending(request(now, 1, { requestReason: reason }), p, now);
          assert.equal(d.action === 'approve', RE2JS.compile(pattern).test(reason));
          assert.ok(!d.reason.includes('\n') && d.reason.length <= 1000);
        },
      ),
    );
  });
});
