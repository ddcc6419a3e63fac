// The policy's shape, declared once with zod: the Policy type is inferred from it, validatePolicy
// reports its problems one line each naming the key, and schema/policy.schema.json (what editors
// complete the YAML file with) is generated from it by scripts/policy-schema.ts. Every rule's
// settings are here, grouped by rule; checks that need more than one key run once the keys parse.
// Imported by workflow code (setPolicy): zod, re2js and luxon are pure JS and deterministic here.
import * as z from 'zod';
import { parseGoDuration } from '../config/duration';
import { findPatternProblem } from './patternChecks';
import { compileRe2, findBadPattern } from './patterns';
import { parseWindow } from './window';

/** A value as an error message quotes it: strings quoted, the rest as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const text = JSON.stringify(v) ?? typeof v;
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return typeof v;
  }
}

/** A zod error message: what the value must be, then what it got. */
const must =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `must be ${what}, got ${show(issue.input)}`;

const whole = (min: number) =>
  z
    .number({ error: must(`a whole number of at least ${min}`) })
    .int({ error: must(`a whole number of at least ${min}`) })
    .min(min, { error: (issue) => `must be at least ${min}, got ${show(issue.input)}` });

const flag = () => z.boolean({ error: must('true or false') });

/** The smallest maxAccess: a lock takes a moment to land; less would lock as it approves. */
export const MIN_MAX_ACCESS_MS = 60_000;

/** "4h", "90m", "1d12h": how long access the watcher approves in an environment may last. */
export function parseMaxAccess(text: string): number | undefined {
  const ms = parseGoDuration(text.trim(), { days: true });
  return ms === undefined || ms < MIN_MAX_ACCESS_MS ? undefined : ms;
}

/** "7d", "12h": a budget's sliding window or a cooldown; at least a minute, as maxAccess. */
export function parseBudgetDuration(text: string): number | undefined {
  return parseMaxAccess(text);
}

/**
 * The schemas, built at first use (policySchemas) rather than at load: workflow code imports this
 * module (setPolicy's checks; the rules, through summaries), and the SDK evaluates a workflow's
 * modules afresh for every run it starts, so building them at load cost every sweep run and index
 * child 10-20 ms of the workflow thread that only the watcher's policy checks use (bench/RESULTS.md,
 * "Idle cost").
 */
function buildSchemas() {
  /** A role-name pattern: RE2, matched anywhere, ignoring case; one line when it is no good. */
  const rolePattern = z
    .string({ error: must('a role-name regular expression') })
    .superRefine((source, ctx) => {
      const problem = findBadPattern(source);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: source });
    })
    .meta({
      description: 'RE2 regular expression, matched anywhere in a role name, ignoring case',
    });

  const window = z
    .string({ error: must('a window like "Mon-Fri 08:00-18:00 Europe/Berlin"') })
    .superRefine((text, ctx) => {
      const parsed = parseWindow(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error, input: text });
    })
    .meta({
      description:
        'when requests may be approved: DAYS HH:MM-HH:MM[, ...] ZONE, e.g. "Mon-Fri 08:00-18:00 Europe/Berlin"',
    });

  const reasonPattern = z
    .string({ error: must('a regular expression for the request reason') })
    .superRefine((source, ctx) => {
      const compiled = compileRe2(source, false);
      if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.error, input: source });
    })
    .meta({
      description: 'RE2 regular expression the request reason must match, e.g. ^(INC|CHG)-[0-9]+',
    });

  const maxAccess = z
    .string({ error: must('a duration like 4h') })
    .refine((text) => parseMaxAccess(text) !== undefined, {
      error: (issue) =>
        `must be a duration of at least 1m like 4h, 90m or 1d, got ${show(issue.input)}`,
    })
    .meta({ description: 'longest access the watcher approves here lasts, e.g. 4h (locked then)' });

  const budgetDuration = (what: string) =>
    z
      .string({ error: must(`a duration like ${what}`) })
      .refine((text) => parseBudgetDuration(text) !== undefined, {
        error: (issue) =>
          `must be a duration of at least 1m like ${what}, 1d or 12h, got ${show(issue.input)}`,
      });

  const hours = z
    .number({ error: must('a number of hours greater than 0') })
    .positive({ error: must('a number of hours greater than 0') });

  /** One budget: hours held and/or grants approved per sliding window. */
  const budgetSchema = z
    .strictObject(
      {
        hours: hours
          .optional()
          .meta({ description: 'hours of access one user may hold per window' }),
        grants: whole(1)
          .optional()
          .meta({ description: 'approvals (by anyone) one user may get per window' }),
        per: budgetDuration('7d').meta({ description: 'the sliding window, e.g. 7d or 24h' }),
      },
      { error: must('a budget like {hours: 8, per: 7d} or {grants: 3, per: 1d}') },
    )
    .refine((b) => b.hours !== undefined || b.grants !== undefined, {
      error: (issue) => `needs hours, grants or both, got ${show(issue.input)}`,
    });

  /** A user's own budget in one environment, instead of the entry's (for the window `per`, or all). */
  const budgetOverrideSchema = z
    .strictObject(
      {
        user: z
          .string({ error: must('a user name') })
          .min(1, { error: must('a user name') })
          .meta({ description: 'the Teleport user this override is for' }),
        hours: hours.optional().meta({ description: "the user's hours instead of the budget's" }),
        grants: whole(1)
          .optional()
          .meta({ description: "the user's grants instead of the budget's" }),
        per: budgetDuration('7d')
          .optional()
          .meta({ description: 'only the budget with this window (default: every budget)' }),
      },
      { error: must('an override like {user: alice, hours: 16}') },
    )
    .refine((o) => o.hours !== undefined || o.grants !== undefined, {
      error: (issue) => `needs hours, grants or both, got ${show(issue.input)}`,
    });

  const capLimits = {
    maxRequests: whole(1)
      .optional()
      .meta({ description: 'most approved requests under the pattern a user holds at once' }),
    maxResources: whole(1)
      .optional()
      .meta({ description: 'most resources under the pattern a user holds at once' }),
  };

  /** One cap (policy.caps, --caps): the environment entry's first two limits, kept as they were. */
  const capSchema = z.strictObject(
    { pattern: rolePattern, ...capLimits },
    { error: must('a mapping like {pattern: prod, maxRequests: 1}') },
  );

  /** One environment: a role pattern and every limit that applies to roles matching it. */
  const environmentSchema = z.strictObject(
    {
      pattern: rolePattern,
      ...capLimits,
      window: window.optional(),
      outside: z
        .enum(['humans', 'deny'], { error: must('"humans" or "deny"') })
        .optional()
        .meta({
          description: 'a pending request outside the window: left to humans (default) or denied',
        }),
      closeLocks: flag().optional().meta({
        description: 'lock access the watcher approved that is still held when the window closes',
      }),
      reason: reasonPattern.optional(),
      reasonExample: z
        .string({ error: must('an example request reason') })
        .optional()
        .meta({
          description: 'a reason that matches, shown in denials (default: made from the pattern)',
        }),
      missingReason: z
        .enum(['deny', 'humans'], { error: must('"deny" or "humans"') })
        .optional()
        .meta({ description: 'a reason that does not match: denied (default) or left to humans' }),
      maxAccess: maxAccess.optional(),
      longer: z
        .enum(['approve', 'humans'], { error: must('"approve" or "humans"') })
        .optional()
        .meta({
          description:
            'a request asking longer than maxAccess: approved and locked at maxAccess (default) or left to humans',
        }),
      budget: z
        .union([budgetSchema, z.array(budgetSchema, { error: must('a list of budgets') })], {
          error: must('a budget like {hours: 8, per: 7d}, or a list of them'),
        })
        .optional()
        .meta({
          description:
            'hours held and/or grants approved per user in a sliding window: {hours: 8, per: 7d}, {grants: 3, per: 1d}, or a list',
        }),
      cooldown: budgetDuration('1h')
        .optional()
        .meta({ description: 'least time between the end of one grant and the start of the next' }),
      overrides: z
        .array(budgetOverrideSchema, { error: must('a list like [{user: alice, hours: 16}]') })
        .optional()
        .meta({ description: 'per-user budgets: [{user: alice, hours: 16}]' }),
      over: z
        .enum(['deny', 'humans'], { error: must('"deny" or "humans"') })
        .optional()
        .meta({
          description:
            'a pending request over budget or in cooldown: denied (default) or left to humans',
        }),
    },
    { error: must('a mapping like {pattern: prod, maxAccess: 4h}') },
  );

  const exemptList = z.array(
    z.string({ error: must('a non-empty string') }).min(1, { error: must('a non-empty string') }),
    { error: must('a list of non-empty strings') },
  );

  /** The policy: the published keys (required, defaults in defaultPolicy), then later rules' (optional). */
  const policySchema = z
    .strictObject({
      // resource-limit
      maxResources: whole(1).meta({
        description: 'maximum resources one user may hold through approved requests',
      }),
      resourceLimit: flag().meta({ description: 'enforce the resource limit' }),
      roleRequestWeight: whole(0).meta({
        description: 'what a role-only request counts toward the resource limit',
      }),
      // environment-separation
      roleConflicts: flag().meta({ description: 'enforce environment separation' }),
      conflictPatterns: z
        .array(rolePattern, { error: must('a list of strings') })
        .meta({ description: 'role-name regular expressions, one per environment' }),
      // environment-cap; optional, so payloads from before caps existed stay valid
      caps: z
        .array(capSchema, { error: must('a list of caps like [{pattern: prod, maxRequests: 1}]') })
        .optional(),
      // environment-cap, environment-window, request-reason, max-access (optional, as caps)
      environments: z
        .array(environmentSchema, {
          error: must('a list of environments like [{pattern: prod, maxRequests: 1}]'),
        })
        .optional()
        .meta({ description: 'per-environment limits: caps, window, reason, maxAccess' }),
      // every rule
      autoApprove: flag().meta({
        description: 'approve compliant requests (off: leave to humans)',
      }),
      dryRun: flag().meta({ description: 'decide and log, but change nothing in Teleport' }),
      exempt: z.strictObject(
        { users: exemptList, roles: exemptList },
        { error: must('an object with users and roles lists') },
      ),
      reviewMode: z.enum(['state', 'review'], { error: must('"state" or "review"') }),
    })
    .superRefine((p, ctx) => {
      const problem = (key: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [key], message, input: p });
      if (p.roleRequestWeight > p.maxResources) {
        // Otherwise a role-only request would be approved and then locked at once for not fitting.
        problem(
          'roleRequestWeight',
          `must not exceed {maxResources} (${p.maxResources}), got ${p.roleRequestWeight}`,
        );
      }
      checkConflictPatterns(p.conflictPatterns, p.roleConflicts, problem);
      checkEnvironments(p, problem);
    });
  return { policySchema, capSchema, environmentSchema, budgetSchema, budgetOverrideSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;

/** The policy's schemas, built once per module instance (once per workflow run in the sandbox). */
export function policySchemas(): Schemas {
  built ??= buildSchemas();
  return built;
}

export type Policy = z.infer<Schemas['policySchema']>;
export type Cap = z.infer<Schemas['capSchema']>;
export type Environment = z.infer<Schemas['environmentSchema']>;
export type Budget = z.infer<Schemas['budgetSchema']>;
export type BudgetOverride = z.infer<Schemas['budgetOverrideSchema']>;

function checkConflictPatterns(
  patterns: string[],
  on: boolean,
  problem: (key: string, message: string) => void,
): void {
  const seen = new Set<string>();
  for (const pattern of patterns) {
    if (seen.has(pattern))
      problem('conflictPatterns', `pattern ${show(pattern)} is listed twice; list each once`);
    seen.add(pattern);
  }
  // Checked once each pattern is sound and listed once, so one mistake gets one message.
  const sound = seen.size === patterns.length && patterns.every((x) => !findBadPattern(x));
  const overlap = on && sound ? findPatternProblem(patterns) : undefined;
  if (overlap) problem('conflictPatterns', overlap);
  if (on && seen.size < 2) {
    const got = seen.size === 0 ? 'none' : [...seen].map(show).join(', ');
    problem(
      'conflictPatterns',
      `needs at least 2 patterns when {roleConflicts} is on, got ${seen.size} (${got}); ` +
        'add one (e.g. prod,research) or turn {roleConflicts} off',
    );
  }
}

/** Each pattern once across caps and environments; each entry with a limit to enforce. */
function checkEnvironments(p: Policy, problem: (key: string, message: string) => void): void {
  const seen = new Set<string>();
  const entries = [
    ...(p.caps ?? []).map((entry, i) => ({ key: 'caps', i, entry })),
    ...(p.environments ?? []).map((entry, i) => ({ key: 'environments', i, entry })),
  ];
  for (const { key, i, entry } of entries) {
    const at = `entry ${i + 1} (${show(entry.pattern)})`;
    if (seen.has(entry.pattern)) {
      problem(key, `${at}: pattern is given twice across caps and environments; give it one entry`);
    }
    seen.add(entry.pattern);
    const limits = Object.keys(entry).filter((k) => k !== 'pattern');
    if (key === 'caps' && entry.maxRequests === undefined && entry.maxResources === undefined) {
      problem(key, `${at}: needs maxRequests, maxResources or both`);
    } else if (limits.length === 0) {
      problem(
        key,
        `${at}: needs a limit: maxRequests, maxResources, window, reason, maxAccess, budget or cooldown`,
      );
    }
    const env = entry as Environment;
    const orphan = (
      [
        ['outside', 'window'],
        ['closeLocks', 'window'],
        ['missingReason', 'reason'],
        ['reasonExample', 'reason'],
        ['longer', 'maxAccess'],
        ['overrides', 'budget'],
      ] as const
    ).find(([setting, needs]) => env[setting] !== undefined && env[needs] === undefined);
    if (orphan) problem(key, `${at}: ${orphan[0]} needs ${orphan[1]} in the same entry`);
    if (env.over !== undefined && env.budget === undefined && env.cooldown === undefined)
      problem(key, `${at}: over needs budget or cooldown in the same entry`);
    checkOverrides(env, (message) => problem(key, `${at}: ${message}`));
    if (env.reason !== undefined && env.reasonExample !== undefined) {
      const compiled = compileRe2(env.reason, false);
      if (compiled.ok && !compiled.regex.test(env.reasonExample)) {
        problem(
          key,
          `${at}: reasonExample ${show(env.reasonExample)} does not match reason ${show(env.reason)}`,
        );
      }
    }
  }
}

/** Each override names a user once, and only windows and kinds the entry's budgets have. */
function checkOverrides(env: Environment, problem: (message: string) => void): void {
  if (env.overrides === undefined || env.budget === undefined) return;
  const budgets = Array.isArray(env.budget) ? env.budget : [env.budget];
  const seen = new Set<string>();
  for (const o of env.overrides) {
    const which = `${o.user}/${o.per === undefined ? '' : parseBudgetDuration(o.per)}`;
    if (seen.has(which))
      problem(`overrides: user ${show(o.user)} is given twice; give one override`);
    seen.add(which);
    const matching = budgets.filter(
      (b) => o.per === undefined || parseBudgetDuration(b.per) === parseBudgetDuration(o.per),
    );
    if (matching.length === 0) {
      problem(
        `overrides: user ${show(o.user)} names per ${show(o.per)}, but no budget of the entry has that window; ` +
          `use one of ${budgets.map((b) => show(b.per)).join(', ')}`,
      );
      continue;
    }
    for (const kind of ['hours', 'grants'] as const) {
      if (o[kind] !== undefined && !matching.some((b) => b[kind] !== undefined))
        problem(
          `overrides: user ${show(o.user)} sets ${kind}, but no budget it applies to has ${kind}`,
        );
    }
  }
}
