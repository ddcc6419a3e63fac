// The simulator's jit-watcher role is the YAML users install (deploy/teleport/jit-watcher-role.yaml):
// the cluster enforces exactly its verbs, a verb taken out of the file makes the watcher call that
// needs it PERMISSION_DENIED over a real socket, and what the simulator cannot model is refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { GrpcTeleportClient } from '../../../src/teleport/client';
import { isTeleportError } from '../../../src/teleport/errors';
import {
  JIT_WATCHER_ROLE_FILE,
  loadRoleFile,
  RoleFileError,
  startSimCluster,
  type SimCluster,
} from '../../../testkit/sim';
import { clientFor } from '../../support/teleport';

type Doc = {
  spec: {
    allow: { rules: Array<{ resources: string[]; verbs: string[] }>; review_requests?: unknown };
  };
};

const shipped = (): Doc => parse(fs.readFileSync(JIT_WATCHER_ROLE_FILE, 'utf8')) as Doc;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-role-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the shipped role file changed by `edit`, as a path the loader reads. */
function roleFileWith(name: string, edit: (doc: Doc) => void): string {
  const doc = shipped();
  edit(doc);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, stringify(doc));
  return file;
}

function withoutVerb(resource: string, verb: string): (doc: Doc) => void {
  return (doc) => {
    const rule = doc.spec.allow.rules.find((r) => r.resources.includes(resource));
    if (!rule?.verbs.includes(verb))
      throw new Error(`the shipped role grants no ${verb} on ${resource}`);
    rule.verbs = rule.verbs.filter((v) => v !== verb);
  };
}

async function firstWatchEvent(bot: GrpcTeleportClient, kind: 'access_request' | 'lock') {
  const controller = new AbortController();
  for await (const event of bot.watch({ kinds: [kind], signal: controller.signal })) {
    controller.abort();
    return event;
  }
  return undefined;
}

describe('the jit-watcher role comes from deploy/teleport/jit-watcher-role.yaml', () => {
  test('the cluster’s jit-watcher role is the shipped file’s', async () => {
    const sim = await startSimCluster({ proxy: false });
    try {
      const { rules } = shipped().spec.allow;
      assert.deepEqual(sim.roles['jit-watcher'], {
        name: 'jit-watcher',
        rules: rules.map((r) => ({ resources: r.resources, verbs: r.verbs })),
        reviewRequests: true,
        requestAccess: false,
      });
      // Nothing beyond the calls the watcher makes: it never deletes a lock.
      assert.ok(!rules.some((r) => r.verbs.includes('delete') || r.verbs.includes('*')));
    } finally {
      await sim.stop();
    }
  });

  // Each verb the file grants, taken out, and the watcher call that needs it.
  const cases: Array<
    [string, (doc: Doc) => void, (bot: GrpcTeleportClient, sim: SimCluster) => Promise<unknown>]
  > = [
    [
      'access_request update: SetAccessRequestState',
      withoutVerb('access_request', 'update'),
      (bot, sim) => {
        const { id } = sim.store.createRequest({ user: 'alice', roles: ['node-access'] });
        return bot.setRequestState({ id, state: 'APPROVED', reason: 'policy' });
      },
    ],
    [
      'access_request read: WatchEvents',
      withoutVerb('access_request', 'read'),
      (bot) => firstWatchEvent(bot, 'access_request'),
    ],
    [
      'lock create: UpsertLock',
      withoutVerb('lock', 'create'),
      (bot) =>
        bot.upsertLock({ name: 'jit-watcher-r1', target: { accessRequest: 'r1' }, message: 'm' }),
    ],
    [
      'lock update: UpsertLock',
      withoutVerb('lock', 'update'),
      (bot) =>
        bot.upsertLock({ name: 'jit-watcher-r1', target: { accessRequest: 'r1' }, message: 'm' }),
    ],
    [
      'lock list: GetLocks',
      withoutVerb('lock', 'list'),
      (bot) => bot.getLocks({ inForceOnly: true }),
    ],
    [
      'lock read: GetLocks',
      withoutVerb('lock', 'read'),
      (bot) => bot.getLocks({ inForceOnly: true }),
    ],
    ['lock read: WatchEvents', withoutVerb('lock', 'read'), (bot) => firstWatchEvent(bot, 'lock')],
    [
      'review_requests: SubmitAccessReview',
      (doc) => delete doc.spec.allow.review_requests,
      (bot, sim) => {
        const { id } = sim.store.createRequest({ user: 'alice', roles: ['node-access'] });
        return bot.submitReview({ requestId: id, state: 'APPROVED', reason: 'policy' });
      },
    ],
  ];
  for (const [name, edit, call] of cases) {
    test(`without ${name} is PERMISSION_DENIED`, async () => {
      const file = roleFileWith(name.replace(/\W+/g, '-'), edit);
      const sim = await startSimCluster({ proxy: false, roles: [loadRoleFile(file)] });
      const bot = await clientFor(sim);
      try {
        await assert.rejects(call(bot, sim), (err: unknown) =>
          isTeleportError(err, 'AccessDenied'),
        );
      } finally {
        bot.close();
        await sim.stop();
      }
    });
  }

  test('the same calls succeed with the shipped file', async () => {
    const sim = await startSimCluster({ proxy: false });
    const bot = await clientFor(sim);
    try {
      for (const [, , call] of cases) await call(bot, sim);
    } finally {
      bot.close();
      await sim.stop();
    }
  });

  test('what the simulator cannot model is one clear line naming the key', () => {
    const refused: Array<[string, (doc: Doc & Record<string, unknown>) => void, RegExp]> = [
      [
        'where',
        (d) => Object.assign(d.spec.allow.rules[0]!, { where: 'true' }),
        /spec\.allow\.rules\[0\]\.where: the simulator cannot model this/,
      ],
      [
        'deny',
        (d) => Object.assign(d.spec, { deny: { rules: [] } }),
        /spec\.deny\.rules: the simulator cannot model this/,
      ],
      [
        'logins',
        (d) => Object.assign(d.spec.allow, { logins: ['root'] }),
        /spec\.allow\.logins: the simulator cannot model this/,
      ],
      [
        'verb',
        (d) => d.spec.allow.rules[0]!.verbs.push('readnosecrets'),
        /verb "readnosecrets" is not one the simulator checks/,
      ],
      [
        'review roles',
        (d) => Object.assign(d.spec.allow, { review_requests: { roles: ['dev'] } }),
        /review_requests\.roles/,
      ],
    ];
    for (const [name, edit, message] of refused) {
      const file = roleFileWith(`refused-${name.replace(/\W+/g, '-')}`, edit);
      assert.throws(
        () => loadRoleFile(file),
        (err: unknown) =>
          err instanceof RoleFileError && message.test(err.message) && !err.message.includes('\n'),
        name,
      );
    }
    const broken = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(broken, 'spec: [unclosed\n');
    assert.throws(() => loadRoleFile(broken), /broken\.yaml: not valid YAML/);
  });
});
