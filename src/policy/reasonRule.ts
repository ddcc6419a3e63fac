// Evidence in the request's reason per environment (`reason: "^(INC|CHG)-[0-9]+"`): a pending
// request whose reason does not match is denied, or left to humans with `missingReason: humans`;
// either way the reason shows the pattern and a command that would comply. RE2 semantics, as
// Teleport matches; case-sensitive as written (`(?i)` ignores case).
import { askAgain, describeEnvironment, environmentsFor, environmentsWith } from './environments';
import { samples } from './patternChecks';
import { compileRe2 } from './patterns';
import type { Rule } from './rule';

declare module './types' {
  interface DecisionDetails {
    /** The reason pattern the request's reason did not match. */
    reasonPattern?: string;
  }
}

export const reasonRule: Rule<'request-reason'> = {
  name: 'request-reason',
  options: [],
  enabled: (policy) => environmentsWith(policy, 'reason').length > 0,

  pending(request, { policy }) {
    const given = request.requestReason ?? '';
    const envs = environmentsFor(request, environmentsWith(policy, 'reason'));
    const failing = envs.filter((env) => {
      const compiled = compileRe2(env.reason ?? '', false);
      return compiled.ok && !compiled.regex.test(given);
    });
    const env = failing.find((e) => e.missingReason !== 'humans') ?? failing[0];
    if (!env) return { facts: {} };
    const pattern = env.reason ?? '';
    const example = exampleReason(pattern, env.reasonExample);
    const head =
      `Request reason ${given === '' ? '(none given)' : 'does not match'} the format ${describeEnvironment(env)} ` +
      `requires: ${JSON.stringify(pattern)}`;
    const fix = example
      ? `ask again with a matching reason, e.g. ${askAgain(request, example)}`
      : 'ask again with a matching reason';
    const facts = { reasonPattern: pattern };
    if (env.missingReason === 'humans') {
      return { facts, escalate: `${head}; left to human reviewers; or ${fix}` };
    }
    return { facts, deny: `${head}; ${fix}` };
  },

  summary: (details) => (details.reasonPattern ? `reason not ${details.reasonPattern}` : undefined),

  holdingsPhase: 'exclude',
  holdings: () => [],
};

/** The configured example, else one made from the pattern and followed by ": ..." when that still matches. */
function exampleReason(pattern: string, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  const compiled = compileRe2(pattern, false);
  if (!compiled.ok) return undefined;
  const sample = samples(pattern).find((s) => compiled.regex.test(s));
  if (sample === undefined || sample === '') return undefined;
  const longer = `${sample}: ...`;
  return compiled.regex.test(longer) ? longer : sample;
}
