// userDeadlines as a table: which future moments a user's requests have (a later start, a window
// closing on watcher-approved access, maxAccess reached), earliest first, each with its `what`;
// none for locked, human-approved or ended access, and none already passed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import { ANNOTATION_DECISION } from '../../../src/domain/annotations';
import { userDeadlines } from '../../../src/policy/deadlines';
import { NOW, at, lockOn, policy, req } from './helpers';

// NOW is Thursday 2026-01-01 12:00 UTC, 13:00 in Berlin: the window below closes at 17:00 UTC.
const p = policy({
  environments: [
    {
      pattern: 'prod',
      window: 'Mon-Fri 08:00-18:00 Europe/Berlin',
      closeLocks: true,
      maxAccess: '2h',
    },
  ],
});

function watcher(r: AccessRequest): AccessRequest {
  return { ...r, resolveAnnotations: { [ANNOTATION_DECISION]: [`${r.id}/approve/compliant`] } };
}

function brief(requests: AccessRequest[], locks = [lockOn('none')]): string[] {
  return userDeadlines('alice', requests, locks, p, NOW).map((d) => `${d.at} ${d.kind} ${d.what}`);
}

void describe('userDeadlines', () => {
  void it('maxAccess from creation, then the close; earliest first', () =>
    assert.deepEqual(
      brief([watcher(req({ id: 'a', roles: ['prod-db'], created: -60, expires: 600 }))]),
      [
        '2026-01-01T13:00:00.000Z max-access lock a: 2h of prod access reached',
        '2026-01-01T17:00:00.000Z window-closes lock a: prod window closes',
      ],
    ));

  void it('a later start: evaluated then, maxAccess counted from it', () => {
    const r = watcher(req({ id: 'b', roles: ['prod-db'], created: -60, expires: 600 }));
    r.assumeStartTime = at(60);
    assert.deepEqual(brief([r]), [
      '2026-01-01T13:00:00.000Z starts evaluate alice: access of b starts',
      '2026-01-01T15:00:00.000Z max-access lock b: 2h of prod access reached',
      '2026-01-01T17:00:00.000Z window-closes lock b: prod window closes',
    ]);
  });

  void it('access ending before a deadline has none for it', () =>
    assert.deepEqual(
      brief([watcher(req({ id: 'c', roles: ['prod-db'], created: -60, expires: 30 }))]),
      [],
    ));

  void it('none for a human approval, a locked request, another user or other roles', () => {
    const human = req({ id: 'd', roles: ['prod-db'], expires: 600 });
    const locked = watcher(req({ id: 'e', roles: ['prod-db'], expires: 600 }));
    const bob = watcher(req({ id: 'f', user: 'bob', roles: ['prod-db'], expires: 600 }));
    const dev = watcher(req({ id: 'g', roles: ['dev'], expires: 600 }));
    assert.deepEqual(brief([human, locked, bob, dev], [lockOn('e')]), []);
  });

  void it('a maxAccess already passed is no deadline: the evaluation at now locks', () =>
    assert.deepEqual(
      brief([watcher(req({ id: 'h', roles: ['prod-db'], created: -180, expires: 600 }))]),
      ['2026-01-01T17:00:00.000Z window-closes lock h: prod window closes'],
    ));
});
