// Table tests for per-environment caps: a pending request alone over a cap is denied, a user's
// holdings under a pattern keep the newest that fit, the settings from flags, variables and YAML,
// and validation's one-line problems. Holdings rows list decisions newest request first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cap } from '../../../src/policy/caps';
import { applyDecisions, evaluate } from '../../../src/policy/evaluate';
import { evaluatePending } from '../../../src/policy/pending';
import { defaultPolicy, validatePolicy } from '../../../src/policy/policy';
import { evaluateUser } from '../../../src/policy/user';
import type { Policy } from '../../../src/policy/types';
import { load } from '../config/helpers';
import {
  NOW,
  actions,
  at,
  brief,
  nodes,
  policy,
  req,
  userRowTests,
  type RequestShorthand,
  type UserRow,
} from './helpers';

const prod1: Partial<Policy> = { caps: [{ pattern: 'prod', maxRequests: 1 }] };
/** Room under the resource limit, so only the cap decides. */
const roomy = { maxResources: 9 };
const prod = (id: string, created: number, extra: Partial<RequestShorthand> = {}) => ({
  id,
  created,
  roles: ['prod-db'],
  resources: [`node/${id}`],
  ...extra,
});

interface PendingRow {
  name: string;
  request: Omit<RequestShorthand, 'id'>;
  caps?: Cap[];
  policy?: Partial<Policy>;
  /** `action:policy` */
  want: string;
  reason?: string;
}

const pendingRows: PendingRow[] = [
  {
    name: 'a request under a cap that fits alone is approved, the cap listed as checked',
    request: { roles: ['prod-db'], resources: nodes(2) },
    caps: [{ pattern: 'prod', maxRequests: 1, maxResources: 2 }],
    want: 'approve:compliant',
    reason:
      'Auto-approved: complies with access policies (checked: resource-limit, environment-separation, environment-cap)',
  },
  {
    name: 'a request alone over its resource cap is denied',
    request: { roles: ['prod-db', 'prod-web'], resources: nodes(3) },
    caps: [{ pattern: 'prod', maxResources: 2 }],
    want: 'deny:environment-cap',
    reason:
      'Request counts 3 resources under "prod" (prod-db, prod-web), exceeds its cap of 2 resources; ask for at most 2 resources under "prod"',
  },
  {
    name: 'a request cap alone never denies: one request is within any cap',
    request: { roles: ['prod-db'], resources: nodes(3) },
    caps: [{ pattern: 'prod', maxRequests: 1 }],
    want: 'approve:compliant',
  },
  {
    name: 'roles outside every pattern are not capped',
    request: { roles: ['viewer'], resources: nodes(3) },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    want: 'approve:compliant',
  },
  {
    name: 'patterns match case-insensitively, anywhere in the name',
    request: { roles: ['team-PROD-admin'], resources: nodes(2) },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    want: 'deny:environment-cap',
  },
  {
    name: 'the resource limit is checked first',
    request: { roles: ['prod-db'], resources: nodes(4) },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    want: 'deny:resource-limit',
  },
  {
    name: 'environment separation is checked before caps',
    request: { roles: ['prod-db', 'research-lab'], resources: nodes(2) },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    want: 'deny:environment-separation',
  },
  {
    name: 'of two caps the request falls under, the one it breaks is named',
    request: { roles: ['prod-db', 'db-admin'], resources: nodes(2) },
    caps: [
      { pattern: 'prod', maxResources: 2 },
      { pattern: '^db-', maxResources: 1 },
    ],
    want: 'deny:environment-cap',
    reason:
      'Request counts 2 resources under "^db-" (db-admin), exceeds its cap of 1 resource; ask for at most 1 resource under "^db-"',
  },
  {
    name: 'a role-only request counts roleRequestWeight',
    request: { roles: ['prod-db'] },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    policy: { roleRequestWeight: 2 },
    want: 'deny:environment-cap',
    reason:
      'Request counts 2 resources under "prod" (prod-db), exceeds its cap of 1 resource; ask for at most 1 resource under "prod"',
  },
  {
    name: 'no caps: not checked',
    request: { roles: ['prod-db'] },
    caps: [],
    want: 'approve:compliant',
    reason:
      'Auto-approved: complies with access policies (checked: resource-limit, environment-separation)',
  },
  {
    name: 'an exempt role is left to humans',
    request: { roles: ['prod-db', 'break-glass'], resources: nodes(3) },
    caps: [{ pattern: 'prod', maxResources: 1 }],
    policy: { exempt: { users: [], roles: ['break-glass'] } },
    want: 'none:exempt',
  },
];

const holdingRows: UserRow[] = [
  {
    name: 'one prod request at a time: the older is locked',
    requests: [prod('p1', -30), prod('p2', -10)],
    policy: prod1,
    want: ['lock:p1:environment-cap'],
  },
  {
    name: 'two at a time: the third newest and older are locked',
    requests: [prod('p1', -40), prod('p2', -30), prod('p3', -20), prod('p4', -10)],
    policy: { ...roomy, caps: [{ pattern: 'prod', maxRequests: 2 }] },
    want: ['lock:p2:environment-cap', 'lock:p1:environment-cap'],
  },
  {
    name: 'requests under no pattern are neither counted nor locked',
    requests: [prod('p1', -30), { id: 'v', created: -20, roles: ['viewer'] }, prod('p2', -10)],
    policy: prod1,
    want: ['lock:p1:environment-cap'],
  },
  {
    name: 'each pattern has its own cap',
    requests: [
      prod('p1', -40),
      { id: 'r1', created: -30, roles: ['research-lab'] },
      { id: 'r2', created: -20, roles: ['research-lab'] },
      prod('p2', -10),
    ],
    policy: {
      roleConflicts: false,
      caps: [
        { pattern: 'prod', maxRequests: 1 },
        { pattern: 'research', maxRequests: 2 },
      ],
    },
    want: ['lock:p1:environment-cap'],
  },
  {
    name: 'a resource cap keeps the newest while they fit',
    requests: [
      prod('old', -30, { resources: nodes(2, 'old') }),
      prod('new', -10, { resources: nodes(2, 'new') }),
    ],
    policy: { ...roomy, caps: [{ pattern: 'prod', maxResources: 3 }] },
    want: ['lock:old:environment-cap'],
  },
  {
    name: 'the first that does not fit and every older one are locked, even one that would fit',
    requests: [
      prod('old', -30),
      prod('mid', -20, { resources: nodes(3, 'mid') }),
      prod('new', -10),
    ],
    policy: { ...roomy, caps: [{ pattern: 'prod', maxResources: 3 }] },
    want: ['lock:mid:environment-cap', 'lock:old:environment-cap'],
  },
  {
    name: 'a resource held through two requests under the pattern counts once',
    requests: [
      prod('p1', -20, { resources: ['node/a', 'node/b'] }),
      prod('p2', -10, { resources: ['node/b', 'node/c'] }),
    ],
    policy: { ...roomy, caps: [{ pattern: 'prod', maxResources: 3 }] },
    want: [],
  },
  {
    name: 'the resource limit runs first; the cap counts what it kept',
    requests: [prod('old', -20, { resources: nodes(3, 'x') }), prod('new', -10)],
    policy: prod1,
    want: ['lock:old:resource-limit'],
  },
  {
    name: 'a request locked by environment separation is not counted by the cap',
    requests: [prod('p1', -30), { id: 'mixed', created: -10, roles: ['prod-db', 'research-lab'] }],
    policy: prod1,
    want: ['lock:mixed:environment-separation'],
  },
  {
    name: 'an exempt user is never capped',
    requests: [prod('p1', -30), prod('p2', -10)],
    policy: { ...prod1, exempt: { users: ['alice'], roles: [] } },
    want: ['none:p2:exempt', 'none:p1:exempt'],
  },
  {
    name: 'expired and pending requests do not count',
    requests: [
      prod('gone', -30, { expires: -1 }),
      prod('wait', -5, { state: 'PENDING' }),
      prod('p', -10),
    ],
    policy: prod1,
    want: [],
  },
  {
    name: 'no caps: nothing locked',
    requests: [prod('p1', -30), prod('p2', -10)],
    policy: { caps: [] },
    want: [],
  },
];

void describe('per-environment caps on a pending request', () => {
  for (const row of pendingRows) {
    void it(row.name, () => {
      const request = req({ id: 'r1', state: 'PENDING', ...row.request });
      const d = evaluatePending(request, policy({ caps: row.caps, ...row.policy }), NOW);
      assert.equal(`${d.action}:${d.policy}`, row.want);
      assert.equal(d.id, `r1/${d.action}/${d.policy}`);
      if (row.reason !== undefined) assert.equal(d.reason, row.reason);
      assert.deepEqual(JSON.parse(JSON.stringify(d)), d, 'plain JSON');
    });
  }

  void it('lists the caps the request falls under, with its roles under each', () => {
    const request = req({ id: 'r1', state: 'PENDING', roles: ['prod-db', 'prod-web'] });
    const d = evaluatePending(request, policy(prod1), NOW);
    assert.deepEqual(d.details.caps, [
      { pattern: 'prod', maxRequests: 1, roles: ['prod-db', 'prod-web'] },
    ]);
  });
});

void describe('per-environment caps on holdings', () => {
  userRowTests(holdingRows);

  void it('explains a request cap: the pattern, the newer request that holds it, the lock', () => {
    const requests = [prod('p1', -30, { expires: 90 }), prod('p2', -10)].map(req);
    const [d, ...more] = evaluateUser('alice', requests, [], policy(prod1), NOW);
    assert.equal(more.length, 0);
    assert.equal(d?.id, 'p1/lock/environment-cap');
    assert.equal(
      d?.reason,
      'Environment cap: roles matching "prod" may be held through 1 request at a time and newer ' +
        'request p2 holds it; this older request\'s "prod" (prod-db) may not be held as well; ' +
        'retaining only the newest',
    );
    assert.deepEqual(d?.details, {
      checks: ['resource-limit', 'environment-separation', 'environment-cap'],
      caps: [{ pattern: 'prod', maxRequests: 1, roles: ['prod-db'] }],
      resourceCount: 1,
      heldRequests: 1,
      heldResources: 1,
      totalResources: 2,
      keptRequestIds: ['p2'],
      lock: { name: 'jit-watcher-p1', message: d?.reason, expires: at(90).toISOString() },
    });
  });

  void it('names every newer request that fills a cap of two', () => {
    const requests = [prod('p1', -30), prod('p2', -20), prod('p3', -10)].map(req);
    const p = policy({ ...roomy, caps: [{ pattern: 'prod', maxRequests: 2 }] });
    const [d] = evaluateUser('alice', requests, [], p, NOW);
    assert.match(
      d?.reason ?? '',
      /through 2 requests at a time and newer requests p3, p2 hold them;/,
    );
  });

  void it('explains a resource cap and its cutoff', () => {
    const requests = [
      prod('old', -30),
      prod('mid', -20, { resources: nodes(3, 'mid') }),
      prod('new', -10),
    ].map(req);
    const p = policy({ ...roomy, caps: [{ pattern: 'prod', maxResources: 3 }] });
    const [mid, old] = evaluateUser('alice', requests, [], p, NOW);
    assert.equal(
      mid?.reason,
      'Environment cap: this request\'s 3 resources with the 1 held under "prod" (prod-db) through ' +
        'newer requests make 4, exceeding its cap of 3 resources; retaining only the newest',
    );
    assert.equal(
      old?.reason,
      'Environment cap: newer requests fill the cap under "prod" (prod-db) (request mid already did ' +
        'not fit); retaining only the newest',
    );
  });

  void it('says so when it recreates a lock, and marks dry-run', () => {
    const requests = [prod('p1', -30), prod('p2', -10)].map(req);
    const [d] = evaluateUser('alice', requests, [], policy({ ...prod1, dryRun: true }), NOW, [
      'p1',
    ]);
    assert.match(d?.reason ?? '', /^Recreating a watcher lock that was deleted: Environment cap: /);
    assert.equal(d?.dryRun, true);
  });

  void it('a pending prod request is approved and the older prod request locked, a fixed point', () => {
    const snapshot = {
      now: NOW,
      requests: [prod('p1', -30), prod('p2', -1, { state: 'PENDING' })].map(req),
      locks: [],
    };
    const decisions = evaluate(snapshot, policy(prod1));
    assert.deepEqual(brief(decisions), ['approve:p2:compliant', 'lock:p1:environment-cap']);
    const after = applyDecisions(snapshot, decisions);
    assert.deepEqual(actions(evaluate(after, policy(prod1))), []);
  });
});

const badCaps: [string, unknown, string][] = [
  [
    'not a list',
    'prod=1',
    'caps: must be a list of caps like [{pattern: prod, maxRequests: 1}], got "prod=1"',
  ],
  [
    'entry not a mapping',
    ['prod'],
    'caps[0]: must be a mapping like {pattern: prod, maxRequests: 1}, got "prod"',
  ],
  [
    'no pattern',
    [{ maxRequests: 1 }],
    'caps[0].pattern: must be a role-name regular expression, got nothing',
  ],
  [
    'unknown key',
    [{ pattern: 'prod', max: 1, maxRequests: 1 }],
    'caps[0] ("prod"): unknown key "max"; use pattern, maxRequests, maxResources',
  ],
  [
    'no limit',
    [{ pattern: 'prod' }],
    'caps: entry 1 ("prod"): needs maxRequests, maxResources or both',
  ],
  [
    'zero',
    [{ pattern: 'prod', maxRequests: 0 }],
    'caps[0] ("prod").maxRequests: must be at least 1, got 0',
  ],
  [
    'fraction',
    [{ pattern: 'prod', maxResources: 1.5 }],
    'caps[0] ("prod").maxResources: must be a whole number of at least 1, got 1.5',
  ],
  [
    'twice',
    [
      { pattern: 'prod', maxRequests: 1 },
      { pattern: 'prod', maxRequests: 2 },
    ],
    'caps: entry 2 ("prod"): pattern is given twice across caps and environments; give it one entry',
  ],
  [
    'bad regex',
    [{ pattern: 'prod[', maxRequests: 1 }],
    'caps[0] ("prod[").pattern: pattern "prod[" is not a valid RE2 regular expression (error parsing regexp: missing closing ]: `[`); escape special characters with a backslash',
  ],
  [
    'matches everything',
    [{ pattern: '.*', maxRequests: 1 }],
    'caps[0] (".*").pattern: pattern ".*" matches every role name; make it name an environment',
  ],
];

void describe('per-environment caps: validation', () => {
  void it('absent, empty and well-formed caps are valid', () => {
    for (const caps of [undefined, [], [{ pattern: 'prod', maxRequests: 1, maxResources: 4 }]]) {
      assert.deepEqual(validatePolicy({ ...defaultPolicy(), caps }), []);
    }
  });

  for (const [name, caps, want] of badCaps) {
    void it(name, () => assert.deepEqual(validatePolicy({ ...defaultPolicy(), caps }), [want]));
  }
});

const settings: [string, string[], Record<string, string>, Record<string, string>, Cap[]][] = [
  [
    'a flag',
    ['--caps', 'prod=1,research=2/6'],
    {},
    {},
    [
      { pattern: 'prod', maxRequests: 1 },
      { pattern: 'research', maxRequests: 2, maxResources: 6 },
    ],
  ],
  ['resources only', ['--caps=lab=/4'], {}, {}, [{ pattern: 'lab', maxResources: 4 }]],
  [
    'quoted, as systemd passes it',
    ['--caps="^prod-=1"'],
    {},
    {},
    [{ pattern: '^prod-', maxRequests: 1 }],
  ],
  ['a variable', [], { JIT_WATCHER_CAPS: 'prod=1' }, {}, [{ pattern: 'prod', maxRequests: 1 }]],
  [
    'YAML',
    ['--config', 'p.yaml'],
    {},
    {
      'p.yaml':
        'policy:\n  caps:\n    - pattern: prod\n      maxRequests: 1\n      maxResources: 4\n',
    },
    [{ pattern: 'prod', maxRequests: 1, maxResources: 4 }],
  ],
  [
    'a flag wins over YAML',
    ['--config', 'p.yaml', '--caps', 'dev=3'],
    {},
    { 'p.yaml': 'policy:\n  caps: [{pattern: prod, maxRequests: 1}]\n' },
    [{ pattern: 'dev', maxRequests: 3 }],
  ],
];

const settingErrors: [string, string[], Record<string, string>, string][] = [
  [
    'no limit in a flag',
    ['--caps', 'prod'],
    {},
    '--caps: "prod" is not PATTERN=REQUESTS[/RESOURCES], e.g. prod=1 or research=2/6 or lab=/4',
  ],
  [
    'not a number',
    ['--caps', 'prod=one'],
    {},
    '--caps: "prod=one" is not PATTERN=REQUESTS[/RESOURCES], e.g. prod=1 or research=2/6 or lab=/4',
  ],
  [
    'zero in a flag',
    ['--caps', 'prod=0'],
    {},
    '--caps[0] ("prod").maxRequests: must be at least 1, got 0',
  ],
  [
    'YAML entry without a limit',
    ['--config', 'p.yaml'],
    { 'p.yaml': 'policy:\n  caps: [{pattern: prod}]\n' },
    'policy.caps in p.yaml: entry 1 ("prod"): needs maxRequests, maxResources or both',
  ],
  [
    'YAML mapping instead of a list',
    ['--config', 'p.yaml'],
    { 'p.yaml': 'policy:\n  caps: {prod: 1}\n' },
    'policy.caps in p.yaml: must be a list of caps like [{pattern: prod, maxRequests: 1}], got {"prod":1}',
  ],
];

void describe('per-environment caps: settings', () => {
  for (const [name, argv, env, files, want] of settings) {
    void it(name, async () => {
      const { config } = await load(argv, { env, files, requireTeleport: false });
      assert.deepEqual(config.policy.caps, want);
    });
  }

  for (const [name, argv, files, want] of settingErrors) {
    void it(name, async () => {
      await assert.rejects(load(argv, { files, requireTeleport: false }), { message: want });
    });
  }
});
