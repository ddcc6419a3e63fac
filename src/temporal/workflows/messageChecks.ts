// Checks on what arrives by signal or update, before the watcher touches it: anyone who can reach
// Temporal can send `--input null`, and a handler that throws fails the workflow task on every
// retry, which stops enforcement. Each check returns the message or one line naming the problem.
// Pure: imported by workflow code (no I/O, no Node built-ins).
import { validatePolicy } from '../../policy/policy';
import type { Policy } from '../../policy/types';
import type { RequestsChanged, WorkerReport } from './messages';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Longer than any request id or worker identity; bounds what the watcher's state can hold. */
const MAX_ID_LENGTH = 256;
/** Free text (a cause, an identity problem) is kept for status: bounded, never refused. */
const MAX_TEXT_LENGTH = 500;

type FieldCheck<V> = { required: boolean; check: (value: unknown) => Checked<V> };
type Spec<T> = { [K in keyof T]-?: FieldCheck<Exclude<T[K], undefined>> };

const requestsChangedSpec: Spec<RequestsChanged> = {
  requestIds: { required: true, check: idList },
  reconcile: { required: false, check: bool },
  cause: { required: true, check: text },
};

const workerReportSpec: Spec<WorkerReport> = {
  worker: { required: true, check: id },
  at: { required: true, check: time },
  identityExpiresAt: { required: false, check: time },
  identityProblem: { required: false, check: text },
  clockProblem: { required: false, check: text },
  eventStream: {
    required: false,
    check: oneOf(['connected', 'reconnecting', 'disabled', 'off'] as const),
  },
  reportIntervalMs: { required: false, check: positiveInteger },
};

export function checkRequestsChanged(input: unknown): Checked<RequestsChanged> {
  return checkObject(input, requestsChangedSpec, '{"requestIds": ["<id>"], "cause": "<text>"}');
}

export function checkWorkerReport(input: unknown): Checked<WorkerReport> {
  return checkObject(input, workerReportSpec, '{"worker": "<name>", "at": "<RFC 3339 time>"}');
}

/**
 * Which checks a setPolicy payload must pass. A signal's handler runs again on replay, so a check
 * that refuses what an older build accepted must not apply to histories that older build wrote:
 * 'before-re2' is for a signal in a history without the `policy-checks-re2` patch marker: it
 * lets through role patterns RE2 refuses but JavaScript compiled, and refuses `environments`, a
 * key those builds did not know, as they did.
 * An update is validated only when it arrives (never on replay), so it always gets 'current'.
 */
export type PolicyChecks = 'current' | 'before-re2';

/** The patch a signal handler asks `patched()` for to pick the checks (see PolicyChecks). */
export const POLICY_CHECKS_PATCH = 'policy-checks-re2';

export function checkPolicy(input: unknown, checks: PolicyChecks = 'current'): Checked<Policy> {
  if (
    checks === 'before-re2' &&
    typeof input === 'object' &&
    input !== null &&
    'environments' in input
  ) {
    return refuse('policy.environments: unknown key');
  }
  const found = validatePolicy(input);
  const problems = checks === 'current' ? found : found.filter((p) => !compiledBeforeRe2(p));
  if (problems.length === 0) return { ok: true, value: input as Policy };
  // The first few say enough; a payload of thousands of bad keys must not make a huge message.
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  return refuse(problems.slice(0, 3).join('; ') + more);
}

/** A shadow policy passes the same checks as a live one: it may become one by `setPolicy`. */
export function checkShadowPolicy(input: unknown): Checked<Policy> {
  return checkPolicy(input, 'current');
}

/** A problem that is only RE2 refusing a pattern JavaScript's engine compiled (case-insensitive). */
function compiledBeforeRe2(problem: string): boolean {
  const m = /pattern ("(?:[^"\\]|\\.)*") is not a valid RE2 regular expression/.exec(problem);
  if (!m?.[1]) return false;
  try {
    new RegExp(JSON.parse(m[1]) as string, 'i');
    return true;
  } catch {
    return false;
  }
}

/** An object with exactly the spec's fields (required ones present), each passing its check. */
function checkObject<T>(input: unknown, spec: Spec<T>, example: string): Checked<T> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return refuse(`expected an object like ${example}, got ${describe(input)}`);
  const known = Object.keys(spec);
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!known.includes(key))
      return refuse(`unknown field ${JSON.stringify(key)}; valid fields are ${known.join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const field = spec[key as keyof T] as FieldCheck<unknown>;
    const value = fields[key];
    if (value === undefined || value === null) {
      if (field.required) return refuse(`${key}: missing; expected an object like ${example}`);
      continue;
    }
    const checked = field.check(value);
    if (!checked.ok) return refuse(`${key}: ${checked.problem}`);
    out[key] = checked.value;
  }
  return { ok: true, value: out as T };
}

/** Any length: a list longer than a targeted sweep takes becomes a full sweep (WatcherState). */
function idList(value: unknown): Checked<string[]> {
  if (!Array.isArray(value))
    return refuse(`expected a list of request ids, got ${describe(value)}`);
  for (const [i, entry] of value.entries()) {
    const checked = id(entry);
    if (!checked.ok) return refuse(`[${i}]: ${checked.problem}`);
  }
  return { ok: true, value: value as string[] };
}

function id(value: unknown): Checked<string> {
  if (typeof value !== 'string' || value.length === 0)
    return refuse(`expected a non-empty string, got ${describe(value)}`);
  if (value.length > MAX_ID_LENGTH) return refuse(`longer than ${MAX_ID_LENGTH} characters`);
  return { ok: true, value };
}

function text(value: unknown): Checked<string> {
  if (typeof value !== 'string') return refuse(`expected a string, got ${describe(value)}`);
  return { ok: true, value: value.slice(0, MAX_TEXT_LENGTH) };
}

function bool(value: unknown): Checked<boolean> {
  return typeof value === 'boolean'
    ? { ok: true, value }
    : refuse(`expected true or false, got ${describe(value)}`);
}

function time(value: unknown): Checked<string> {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    return refuse(`expected an RFC 3339 time, got ${describe(value)}`);
  return { ok: true, value };
}

function positiveInteger(value: unknown): Checked<number> {
  return Number.isSafeInteger(value) && (value as number) > 0
    ? { ok: true, value: value as number }
    : refuse(`expected a whole number above 0, got ${describe(value)}`);
}

function oneOf<V extends string>(values: readonly V[]): (value: unknown) => Checked<V> {
  return (value) =>
    values.includes(value as V)
      ? { ok: true, value: value as V }
      : refuse(`expected one of ${values.join(', ')}, got ${describe(value)}`);
}

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

/** A short, bounded rendering of a bad value for the one-line refusal. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  let shown: string;
  try {
    // undefined for functions and symbols, which JSON cannot carry anyway.
    shown = JSON.stringify(value) ?? typeof value;
  } catch {
    shown = typeof value; // a cycle or a BigInt: only a programmatic caller could send one
  }
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
