// Runtime fault knobs for the simulated Auth server: latency, deterministic and seeded-random
// failures, outage windows and dropped watch streams. Faults imitate the network and the server
// process, so windows run on wall time, not the store's clock; they never touch stored state.
import * as grpc from '@grpc/grpc-js';
import { StatusError } from './errors';

export const AUTH_METHODS = [
  'Ping',
  'ListAccessRequests',
  'GetAccessRequestsV2',
  'SetAccessRequestState',
  'SubmitAccessReview',
  'CreateAccessRequestV2',
  'DeleteAccessRequest',
  'UpsertLock',
  'GetLocks',
  'GetLock',
  'DeleteLock',
  'WatchEvents',
] as const;

export type AuthMethod = (typeof AUTH_METHODS)[number];
/** A method, or '*' for every method. */
export type MethodSelector = AuthMethod | '*';

interface FailRule {
  remaining: number;
  code: grpc.status;
  message?: string;
}

interface RateRule {
  probability: number;
  code: grpc.status;
  message?: string;
}

export interface FaultsOptions {
  /** Seed for error-rate draws, so a failing run can be replayed. */
  seed?: number;
  /** Wall clock in ms; injectable for tests of the windows themselves. */
  wallNowMs?: () => number;
}

export class Faults {
  private latencyMs = new Map<MethodSelector, number>();
  private failRules = new Map<MethodSelector, FailRule[]>();
  private rateRules = new Map<MethodSelector, RateRule>();
  private unavailableUntilMs = 0;
  private unavailableForever = false;
  private dropListeners: Array<(reason: string) => void> = [];
  private readonly callCounts = new Map<AuthMethod, number>();
  private random: () => number;
  private readonly wallNowMs: () => number;

  constructor(options: FaultsOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    this.wallNowMs = options.wallNowMs ?? Date.now;
  }

  /** Adds `ms` before every call of `method` ('*' = all; per-method values add to it). */
  setLatency(method: MethodSelector, ms: number): void {
    if (ms <= 0) this.latencyMs.delete(method);
    else this.latencyMs.set(method, ms);
  }

  /** Fails the next `count` calls of `method` with `code`; rules queue in order. */
  failNext(method: MethodSelector, count: number, code: grpc.status, message?: string): void {
    if (count <= 0) return;
    const rules = this.failRules.get(method) ?? [];
    rules.push({ remaining: count, code, message });
    this.failRules.set(method, rules);
  }

  /** Fails each call of `method` with probability `p`, drawn from the seeded generator. */
  setErrorRate(
    method: MethodSelector,
    p: number,
    code = grpc.status.UNAVAILABLE,
    message?: string,
  ) {
    if (p <= 0) this.rateRules.delete(method);
    else this.rateRules.set(method, { probability: p, code, message });
  }

  /** Restarts the error-rate sequence, e.g. at the start of a test. */
  reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** Every call fails with UNAVAILABLE for `ms`; open watch streams are dropped too. */
  unavailableFor(ms: number, { dropStreams = true } = {}): void {
    this.unavailableUntilMs = Math.max(this.unavailableUntilMs, this.wallNowMs() + ms);
    if (dropStreams) this.dropStreams();
  }

  setUnavailable(on: boolean, { dropStreams = true } = {}): void {
    this.unavailableForever = on;
    if (!on) this.unavailableUntilMs = 0;
    if (on && dropStreams) this.dropStreams();
  }

  isUnavailable(): boolean {
    return this.unavailableForever || this.wallNowMs() < this.unavailableUntilMs;
  }

  /** Ends every open WatchEvents stream with UNAVAILABLE. */
  dropStreams(reason = 'simulated stream loss'): void {
    for (const listener of this.dropListeners) listener(reason);
  }

  /** Calls seen per method, faulted or not. */
  callCount(method: AuthMethod): number {
    return this.callCounts.get(method) ?? 0;
  }

  /** Removes every fault (counts stay). */
  reset(): void {
    this.latencyMs.clear();
    this.failRules.clear();
    this.rateRules.clear();
    this.unavailableUntilMs = 0;
    this.unavailableForever = false;
  }

  /** For the server: registers a stream-drop listener; returns its removal. */
  onDropStreams(listener: (reason: string) => void): () => void {
    this.dropListeners = [...this.dropListeners, listener];
    return () => {
      this.dropListeners = this.dropListeners.filter((l) => l !== listener);
    };
  }

  /** For the server: waits the configured latency, then throws the fault due, if any. */
  async beforeCall(method: AuthMethod): Promise<void> {
    this.callCounts.set(method, this.callCount(method) + 1);
    const delayMs = (this.latencyMs.get('*') ?? 0) + (this.latencyMs.get(method) ?? 0);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.isUnavailable()) {
      throw new StatusError(grpc.status.UNAVAILABLE, 'simulated outage: auth server unavailable');
    }
    const rule = this.takeFailRule(method) ?? this.takeFailRule('*');
    if (rule) throw new StatusError(rule.code, rule.message ?? defaultMessage(rule.code));
    const rate = this.rateRules.get(method) ?? this.rateRules.get('*');
    if (rate && this.random() < rate.probability) {
      throw new StatusError(rate.code, rate.message ?? defaultMessage(rate.code));
    }
  }

  private takeFailRule(selector: MethodSelector): FailRule | undefined {
    const rules = this.failRules.get(selector);
    const rule = rules?.[0];
    if (!rules || !rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) rules.shift();
    return rule;
  }
}

function defaultMessage(code: grpc.status): string {
  return `simulated fault: ${grpc.status[code]}`;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same failures. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
