// Which stream events make the watcher act at once: new pending requests, approvals and denials
// by someone else, and deleted watcher locks; not its own approvals, denials or other locks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relevantRequestId } from '../../../src/app/eventStream';
import type { AccessRequest } from '../../../src/domain/accessRequest';
import type { WatchEvent } from '../../../src/teleport/types';

const request = (over: Partial<AccessRequest>): WatchEvent => ({
  type: 'put',
  kind: 'access_request',
  request: {
    id: 'r1',
    user: 'u',
    roles: ['x'],
    resources: [],
    state: 'PENDING',
    created: new Date(0),
    reviews: [],
    ...over,
  },
});

const cases: Array<[string, WatchEvent, string | undefined]> = [
  ['new pending request', request({}), 'r1'],
  ['approved by a human', request({ state: 'APPROVED' }), 'r1'],
  [
    'approved by the watcher',
    request({
      state: 'APPROVED',
      resolveAnnotations: { 'jit-watcher/decision': ['r1/approve/compliant'] },
    }),
    undefined,
  ],
  ['denied by a human', request({ state: 'DENIED' }), 'r1'],
  [
    'denied by the watcher',
    request({
      state: 'DENIED',
      resolveAnnotations: { 'jit-watcher/decision': ['r1/deny/caps'] },
    }),
    undefined,
  ],
  ['watcher lock deleted', { type: 'delete', kind: 'lock', name: 'jit-watcher-r9' }, 'r9'],
  ['other lock deleted', { type: 'delete', kind: 'lock', name: 'incident-42' }, undefined],
  ['request deleted', { type: 'delete', kind: 'access_request', name: 'r1' }, undefined],
  ['init', { type: 'init', kinds: ['access_request'] }, undefined],
];

for (const [name, event, expected] of cases) {
  test(`event: ${name}`, () => assert.equal(relevantRequestId(event), expected));
}
