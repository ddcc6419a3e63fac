// Turns Teleport's event stream into immediate work for the watcher: a new pending request, a
// request approved or denied by someone else, or a deleted watcher lock becomes a `requestsChanged` signal,
// with bursts coalesced into one signal. On stream loss it reconnects with decorrelated jitter
// (reset after each good connection) and asks for a full sweep once INIT arrives again. The
// periodic sweep stays the safety net: nothing here is needed for correctness, only for speed.
import { resolvedByWatcher } from '../domain/annotations';
import type { AppMetrics } from '../metrics/appMetrics';
import { isWatcherLock, WATCHER_LOCK_PREFIX } from '../policy/decision';
import { isTeleportError } from '../teleport/errors';
import type { TeleportClient, WatchEvent } from '../teleport/types';
import type { RequestsChanged } from '../temporal/workflows/messages';
import type { Logger } from '../util/logger';

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** Events arriving within this window share one signal. */
const DEFAULT_COALESCE_MS = 20;

export type StreamState = 'connected' | 'reconnecting' | 'disabled';

export interface EventStreamOptions {
  teleport: () => TeleportClient;
  notify: (change: RequestsChanged) => Promise<void>;
  log: Logger;
  metrics?: AppMetrics;
  coalesceMs?: number;
  onState?: (state: StreamState) => void;
}

export class EventStream {
  private stopped = false;
  private current?: AbortController;
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly pendingIds = new Set<string>();
  private reconcile = false;
  private flushTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly options: EventStreamOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Reconnects at once, e.g. to move the stream to a renewed identity. */
  restart(): void {
    this.current?.abort();
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.restart();
    await this.loop;
    clearTimeout(this.flushTimer);
    await this.flushing;
  }

  private async run(): Promise<void> {
    let delayMs = BACKOFF_BASE_MS;
    while (!this.stopped) {
      const controller = new AbortController();
      this.current = controller;
      try {
        for await (const event of this.options.teleport().watch({
          kinds: ['access_request', 'lock'],
          signal: controller.signal,
        })) {
          if (event.type === 'init') {
            delayMs = BACKOFF_BASE_MS;
            this.setState('connected');
          }
          this.handle(event);
        }
      } catch (err) {
        if (isTeleportError(err) && !err.retryable && err.kind !== 'Cancelled') {
          this.options.log.error(
            `event stream disabled: ${err.message}; decisions fall back to the periodic sweep`,
          );
          this.setState('disabled');
          return;
        }
        if (!controller.signal.aborted) {
          this.options.log.warn('event stream lost; reconnecting', { error: err });
        }
      }
      if (this.stopped) return;
      this.setState('reconnecting');
      if (controller.signal.aborted) continue; // a restart: reconnect at once
      delayMs = Math.min(
        BACKOFF_CAP_MS,
        BACKOFF_BASE_MS + Math.random() * (delayMs * 3 - BACKOFF_BASE_MS),
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private setState(state: StreamState): void {
    this.options.metrics?.watchConnected.set(state === 'connected' ? 1 : 0);
    this.options.onState?.(state);
  }

  private handle(event: WatchEvent): void {
    const id = relevantRequestId(event);
    if (event.type === 'init') this.reconcile = true;
    else if (id) this.pendingIds.add(id);
    else return;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.flushing) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.pendingIds.size > 0 || this.reconcile) this.scheduleFlush();
      });
    }, this.options.coalesceMs ?? DEFAULT_COALESCE_MS);
  }

  private async flush(): Promise<void> {
    const change: RequestsChanged = {
      requestIds: [...this.pendingIds],
      cause: this.reconcile ? 'event stream connected: reconcile' : 'event stream',
      ...(this.reconcile ? { reconcile: true } : {}),
    };
    this.pendingIds.clear();
    this.reconcile = false;
    try {
      await this.options.notify(change);
      this.options.metrics?.eventSignals.inc({ reconcile: String(change.reconcile === true) });
    } catch (err) {
      // The watcher may not be started yet, or Temporal may be briefly away: the periodic sweep
      // will pick these requests up, so a lost signal only costs latency.
      this.options.metrics?.errors.inc({ where: 'event-signal' });
      this.options.log.warn('could not signal the watcher; the next sweep will catch up', {
        error: err,
      });
    }
  }
}

/** The request an event asks the watcher to look at, if any. */
export function relevantRequestId(event: WatchEvent): string | undefined {
  if (event.type === 'put' && event.kind === 'access_request') {
    const { request } = event;
    if (request.state === 'PENDING') return request.id;
    // Approved by someone else: the user's holdings grew. Our own approvals are already handled.
    if (request.state === 'APPROVED' && !resolvedByWatcher(request.resolveAnnotations))
      return request.id;
    // Denied by someone else: if the watcher left it to humans, the sweep records their decision.
    if (request.state === 'DENIED' && !resolvedByWatcher(request.resolveAnnotations))
      return request.id;
    return undefined;
  }
  if (event.type === 'delete' && event.kind === 'lock' && isWatcherLock(event.name)) {
    return event.name.slice(WATCHER_LOCK_PREFIX.length);
  }
  return undefined;
}
