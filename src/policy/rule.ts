// The one shape every policy rule has: its name, its settings, what it decides on a pending request
// and on a user's holdings, each from an explicit plain-data context. The engine (pending.ts,
// user.ts, policy.ts) and the options table read rules only through this shape; registry.ts lists them.
import type { AccessRequest } from '../domain/accessRequest';
import type { DecisionDetails, Policy } from './types';
import type { UserUsage } from './usage';

/** An approved request in force, with when its access counts from and when it ends. */
export interface Holding {
  request: AccessRequest;
  /** When the access starts: the request's start time when it has one, else its creation. */
  start: Date;
  /** When the access ends (the request's access expiry); undefined: it never does. */
  end?: Date;
}

/**
 * Everything a rule may look at besides the request it judges. Plain data, no clock: `now` is
 * the evaluation's. The user's recent decisions are the next thing meant to go here.
 */
export interface RuleContext {
  now: Date;
  policy: Policy;
  /**
   * For a user's holdings: the user's requests in force that the rules before this one kept
   * (exempt ones left out), newest first. For a pending request: empty, because a pending
   * request is judged on its own (README, "The policies"); the sweep reads no holdings for it.
   */
  holdings: Holding[];
  /**
   * The user's ledger (spans of access kept by the watcher), already observed at `now` by the
   * caller (ledger.ts, observeUsage). Absent: budgets judge from the holdings alone, as if the
   * ledger started now (earlier use unknown).
   */
  usage?: UserUsage;
}

/** A decision's figures without the `checks` list, which the engine fills in from the registry. */
export type Facts = Omit<DecisionDetails, 'checks'>;

/**
 * What one rule says about a pending request: nothing against it, deny it, or leave it to humans
 * (escalate). A denial or an escalation says, in its one line, what would make the request comply.
 * A rule with nothing against it may add a note the approval's reason carries ("approved for 4h
 * of the 8h asked"). The first denial decides; else the first escalation; else approval.
 */
export interface PendingVerdict {
  /** Figures the decision keeps in its details, whatever the verdict. */
  facts: Facts;
  /** Present when the rule denies: the reason written on the request. */
  deny?: string;
  /** Present when the rule leaves the request to humans: the reason recorded (nothing is written). */
  escalate?: string;
  /** Appended to the approval's reason when the request is approved. */
  note?: string;
}

/** A request one rule wants locked, before the engine turns it into a Decision. */
export interface LockVerdict {
  request: AccessRequest;
  reason: string;
  details: Facts;
}

/**
 * When a rule walks a user's holdings. 'exclude' rules judge a request by what it is (its
 * environments) and run first; 'count' rules then count what is left, so nothing they keep or
 * lock depends on a request another rule takes away anyway. Registry order within each phase.
 */
export type HoldingsPhase = 'exclude' | 'count';

/**
 * One setting of a rule: a row of the options table (src/config/options.ts), so it becomes a
 * flag, an environment variable, a YAML key under `policy.`, a --help line and a README row.
 * The kinds are the options table's; 'custom' options parse their own value with `parse`.
 */
export interface RuleOption {
  /** The Policy key, dotted for nested keys. */
  key: string;
  flags: string[];
  env: string[];
  kind: 'int' | 'bool' | 'list' | 'enum' | 'custom';
  help: string;
  /** The Go sample had this flag: messages show it with one dash, as its users typed it. */
  go?: boolean;
  min?: number;
  choices?: string[];
  example?: string;
  /**
   * 'custom' only: a flag's or variable's text, or the YAML value as parsed, into the Policy
   * value; a returned error is one line (the caller prefixes where the value came from).
   * validatePolicy still checks the result, so this only has to get the shape.
   */
  parse?: (raw: unknown) => { ok: true; value: object } | { ok: false; error: string };
  /**
   * 'custom' only: a flag's or variable's text is YAML (flow style, so JSON too); configuration
   * parses it before `parse` sees it. Kept out of src/policy, which workflow code bundles.
   */
  text?: 'yaml';
}

export interface Rule<Name extends string = string> {
  /** The policy decisions name (`<request>/<action>/<name>`) and the "checked: ..." lists show. */
  name: Name;
  /**
   * Its flags and variables. The settings themselves are declared in schema.ts, grouped by rule:
   * keys of the published policy have their defaults in defaultPolicy(); a rule added later
   * declares its keys optional and absent by default, so setPolicy payloads from older versions
   * stay valid and older workers accept newer ones.
   */
  options: readonly RuleOption[];
  enabled(policy: Policy): boolean;
  /** Judged alone: deny it, leave it to humans, or let it through with figures for the decision. */
  pending(request: AccessRequest, context: RuleContext): PendingVerdict;
  /** The few words an operator reads in the Web UI for this rule's denial or lock (summaries.ts). */
  summary?(details: DecisionDetails): string | undefined;
  holdingsPhase: HoldingsPhase;
  /** The holdings to lock, each with its reason; the rest stay. */
  holdings(context: RuleContext): LockVerdict[];
}
