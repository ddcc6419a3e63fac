// Conflict patterns that would deny every request of one environment as "mixing" it with itself,
// or that RE2 cannot compile, are refused when the configuration loads; the
// Go sample's repeated -conflict-patterns flags append; an API key without a remote Temporal and
// a mistyped pattern list get one line each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPatternProblem, samples } from '../../../src/policy/patternChecks';
import { findBadPattern } from '../../../src/policy/patterns';
import { load, words } from './helpers';

const base = '-p teleport.example.com:443 -i /path/to/identity';

describe('conflict pattern checks', () => {
  const overlapping: Array<[string[], RegExp]> = [
    [['prod', 'PROD'], /^patterns "prod" and "PROD" both match role names such as "prod"/],
    [
      ['prod', 'production'],
      /^patterns "prod" and "production" both match role names such as "production"/,
    ],
    [['dev', 'staging', '^dev-.*'], /"dev" and "\^dev-\.\*" both match role names such as "dev-"/],
    [['research', 'prod|res[e]arch'], /both match role names such as "research"/],
  ];
  for (const [patterns, expected] of overlapping) {
    it(`refuses ${patterns.join(',')}`, () => {
      assert.match(findPatternProblem(patterns) ?? '', expected);
    });
  }

  const fine = [
    ['prod', 'research'],
    ['dev', 'staging', 'prod'],
    ['^prod$', '^production$'],
    ['team-alpha', 'team-beta', 'team-gamma'],
    ['us-east', 'us-west', 'eu-central'],
    ['region-us', 'region-eu', 'region-apac'],
  ];
  for (const patterns of fine) {
    it(`accepts ${patterns.join(',')}`, () =>
      assert.equal(findPatternProblem(patterns), undefined));
  }

  // RE2 (re2js) matches in linear time, so no construct is refused for being slow; what RE2
  // cannot run (backreferences, lookaround) is refused as invalid, in RE2's own words.
  const re2: Array<[string, RegExp | undefined]> = [
    ['(a+)+$', undefined],
    ['(x|xx)*y', undefined],
    [
      '(prod)\\1',
      /not a valid RE2 regular expression \(error parsing regexp: invalid escape sequence/,
    ],
    [
      'prod(?!-ro)',
      /not a valid RE2 regular expression \(error parsing regexp: invalid or unsupported Perl syntax/,
    ],
    ['prod[', /not a valid RE2 regular expression \(error parsing regexp: missing closing \]/],
    ['(prod|research)-db', undefined],
  ];
  for (const [pattern, expected] of re2) {
    it(`${expected ? 'refuses' : 'accepts'} ${pattern}`, () => {
      const problem = findBadPattern(pattern);
      if (expected) assert.match(problem ?? '', expected);
      else assert.equal(problem, undefined);
    });
  }

  it('samples only strings the pattern itself matches', () => {
    assert.deepEqual(samples('^prod(-db)?$|stag[ei]ng|(research|lab)-x+'), [
      'prod',
      'stageng',
      'research-x',
    ]);
  });
});

describe('conflict pattern configuration', () => {
  it('refuses overlapping patterns naming the flag', async () => {
    await assert.rejects(
      load(words(`${base} -conflict-patterns=prod,PROD`)),
      /^ConfigError: -conflict-patterns: patterns "prod" and "PROD" both match/,
    );
  });

  it('accepts overlapping patterns when role conflicts are off', async () => {
    const { config } = await load(
      words(`${base} -conflict-patterns=prod,PROD -role-conflicts=false`),
    );
    assert.deepEqual(config.policy.conflictPatterns, ['prod', 'PROD']);
  });

  it('appends repeated -conflict-patterns flags, as the Go sample does', async () => {
    const { config } = await load(
      words(
        `${base} -conflict-patterns prod -conflict-patterns research -conflict-patterns=dev,test`,
      ),
    );
    assert.deepEqual(config.policy.conflictPatterns, ['prod', 'research', 'dev', 'test']);
  });

  it('says an API key is for a remote Temporal', async () => {
    await assert.rejects(
      load(words(base), { env: { TEMPORAL_API_KEY: 'secret-key' } }),
      (err: Error) => {
        assert.match(
          err.message,
          /^TEMPORAL_API_KEY is set but no --temporal-address is given: the API key is for a remote Temporal/,
        );
        assert.doesNotMatch(err.message, /secret-key/);
        return true;
      },
    );
    const { config } = await load(words(`${base} --temporal-address x.tmprl.cloud:7233`), {
      env: { TEMPORAL_API_KEY: 'secret-key' },
    });
    assert.equal(config.temporal.address, 'x.tmprl.cloud:7233');
  });
});
