// Teleport's time as this process best knows it: the local clock plus the offset estimated from
// times Teleport stamped (clockSkew.ts). Activities evaluate expiries with it, so a worker whose
// clock is hours off neither stops counting holdings nor locks too early; a skew beyond the
// threshold is logged once, counted in a metric and reported to the watcher's status.
import type { AccessRequest } from '../domain/accessRequest';
import type { AppMetrics } from '../metrics/appMetrics';
import type { TeleportClient } from '../teleport/types';
import type { Logger } from '../util/logger';
import {
  describeOffset,
  estimateOffset,
  evidenceFromCertificate,
  evidenceFromRequests,
  recentEvidence,
  type OffsetEvidence,
  type SkewEstimate,
} from './clockSkew';

/** Bounded: one entry per listing is plenty, older ones age out of the window anyway. */
const MAX_EVIDENCE = 500;

export interface TeleportClockOptions {
  log: Logger;
  metrics?: AppMetrics;
  /** Called with a one-line problem while skewed, undefined once the clocks agree again. */
  onProblem?: (problem: string | undefined) => void;
  localNow?: () => Date;
}

export class TeleportClock {
  private evidence: OffsetEvidence[] = [];
  private estimate: SkewEstimate = { offsetMs: 0, skewed: false };

  constructor(private readonly options: TeleportClockOptions) {}

  /** Teleport's time now, as estimated. */
  now(): Date {
    return new Date(this.localNow().getTime() + this.estimate.offsetMs);
  }

  get current(): SkewEstimate {
    return this.estimate;
  }

  /** A one-line description while skewed, for readiness and status. */
  get problem(): string | undefined {
    return this.estimate.skewed ? skewProblem(this.estimate.offsetMs) : undefined;
  }

  observeRequests(requests: readonly AccessRequest[]): void {
    const e = evidenceFromRequests(requests, this.localNow());
    if (e) this.add(e);
  }

  /** Only for a certificate Teleport has just accepted (a call with it succeeded). */
  observeCertificate(validity: { notBefore: Date; notAfter: Date }): void {
    this.add(evidenceFromCertificate(validity, this.localNow()));
  }

  /**
   * Evidence before any evaluation, so the first sweep already uses Teleport's time: the
   * certificate Teleport just accepted, and one page of requests.
   */
  async prime(
    client: TeleportClient,
    certificate: { notBefore: Date; notAfter: Date },
  ): Promise<void> {
    this.observeCertificate(certificate);
    await client
      .listAccessRequestsPage({ limit: 100 })
      .then((page) => this.observeRequests(page.requests))
      .catch((err: unknown) =>
        this.options.log.debug('no requests read for the clock estimate', { error: err }),
      );
  }

  private add(e: OffsetEvidence): void {
    this.evidence = recentEvidence([...this.evidence, e], this.localNow()).slice(-MAX_EVIDENCE);
    const before = this.estimate;
    this.estimate = estimateOffset(this.evidence);
    this.options.metrics?.clockOffsetSeconds.set(this.estimate.offsetMs / 1000);
    this.options.metrics?.clockSkewed.set(this.estimate.skewed ? 1 : 0);
    if (this.estimate.skewed && !before.skewed) {
      this.options.log.error(skewProblem(this.estimate.offsetMs), {
        offsetMs: this.estimate.offsetMs,
      });
      this.options.onProblem?.(this.problem);
    } else if (!this.estimate.skewed && before.skewed) {
      this.options.log.info('clock skew resolved: this clock agrees with Teleport again');
      this.options.onProblem?.(undefined);
    }
  }

  private localNow(): Date {
    return this.options.localNow?.() ?? new Date();
  }
}

function skewProblem(offsetMs: number): string {
  return `clock skew: ${describeOffset(offsetMs)}; expiries are evaluated with Teleport's time until NTP fixes this clock`;
}

/** The client activities use: every listing also feeds the clock's evidence. */
export function observingClient(client: TeleportClient, clock: TeleportClock): TeleportClient {
  const observed: Partial<TeleportClient> = {
    listAccessRequests: async (filter) => {
      const requests = await client.listAccessRequests(filter);
      clock.observeRequests(requests);
      return requests;
    },
    listAccessRequestsPage: async (params) => {
      const page = await client.listAccessRequestsPage(params);
      clock.observeRequests(page.requests);
      return page;
    },
  };
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key in observed) return observed[key as keyof TeleportClient];
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}
