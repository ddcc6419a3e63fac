// Keeps the Teleport identity current while tbot renews it (1 h certificates, rewritten about
// every 20 min): notices a rewrite (a watch on the file's folder, since tbot replaces the file,
// plus a periodic check), validates the new file, and only then switches. A broken new file keeps
// the old identity with one clear error; an identity nearing expiry unrenewed is reported early.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppMetrics } from '../metrics/appMetrics';
import { parseIdentity, type Identity } from '../teleport/identityFile';
import type { Logger } from '../util/logger';

const DEFAULT_CHECK_INTERVAL_MS = 30_000;
/** Warn when less than this share of the certificate's lifetime is left (tbot renews at ~1/3). */
const WARN_REMAINING_SHARE = 0.25;

export interface IdentityReloaderOptions {
  path: string;
  current: Identity;
  /** Moves the client (and stream) to the new identity. */
  apply: (identity: Identity) => void;
  /** Called with a one-line problem, or undefined once the identity is healthy again. */
  onProblem?: (problem: string | undefined) => void;
  log: Logger;
  metrics?: AppMetrics;
  checkIntervalMs?: number;
  now?: () => Date;
}

/** How long file events must pause before the file is read (a write in place takes a few ms). */
const WATCH_SETTLE_MS = 200;

export class IdentityReloader {
  private current: Identity;
  private currentHash = '';
  private rejectedHash = '';
  private problem: string | undefined;
  private watcher?: fs.FSWatcher;
  private timer?: NodeJS.Timeout;
  private settling?: NodeJS.Timeout;
  private checking?: Promise<void>;

  constructor(private readonly options: IdentityReloaderOptions) {
    this.current = options.current;
  }

  get identity(): Identity {
    return this.current;
  }

  async start(): Promise<void> {
    this.currentHash = await this.hashOfFile().catch(() => '');
    const file = path.basename(this.options.path);
    try {
      this.watcher = fs.watch(path.dirname(this.options.path), (_event, name) => {
        if (name === null || name === file) this.checkWhenSettled();
      });
      this.watcher.on('error', () => undefined); // the periodic check still runs
    } catch {
      this.options.log.warn('cannot watch the identity folder; checking periodically only');
    }
    this.timer = setInterval(
      () => void this.check(),
      this.options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS,
    );
    this.timer.unref();
    this.checkExpiry();
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.settling);
  }

  /**
   * A write in place (a copy, an editor; tbot renames) fires events while the file is still being
   * written: reading at the first one would reject a half-written file with an error the finished
   * file never deserved. So a burst of events is read once, when it has been quiet a moment.
   */
  private checkWhenSettled(): void {
    clearTimeout(this.settling);
    this.settling = setTimeout(() => void this.check(), WATCH_SETTLE_MS);
    this.settling.unref();
  }

  /** Re-reads the file if it changed; serialised so bursts of file events do one read. */
  check(): Promise<void> {
    this.checking ??= this.reload().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async reload(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    let text: string;
    try {
      text = await fs.promises.readFile(this.options.path, 'utf8');
    } catch (err) {
      this.report(
        `identity file ${this.options.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); keeping the current identity`,
      );
      return this.checkExpiry();
    }
    const hash = sha256(text);
    if (hash === this.currentHash || hash === this.rejectedHash) return this.checkExpiry();
    let next: Identity;
    try {
      next = parseIdentity(text, this.options.path, now);
      refuseOtherCluster(this.current, next);
    } catch (err) {
      this.rejectedHash = hash;
      const why = err instanceof Error ? err.message : String(err);
      this.options.log.error(
        `new identity file rejected, keeping the current one (expires ${this.current.notAfter.toISOString()}): ${why}`,
      );
      this.report(`renewed identity file rejected: ${why}`);
      return this.checkExpiry();
    }
    this.currentHash = hash;
    this.current = next;
    this.options.apply(next);
    this.options.log.info('identity renewed', {
      user: next.user,
      expires: next.notAfter.toISOString(),
    });
    this.report(undefined);
    this.checkExpiry();
  }

  /** Reports an identity close to or past expiry, before calls start failing. */
  private checkExpiry(): void {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const { notBefore, notAfter } = this.current;
    const remainingMs = notAfter.getTime() - now;
    this.options.metrics?.identityExpirySeconds.set(Math.round(remainingMs / 1000));
    const lifetimeMs = notAfter.getTime() - notBefore.getTime();
    if (remainingMs <= 0) {
      this.report(`identity expired at ${notAfter.toISOString()} and was not renewed; check tbot`);
    } else if (remainingMs < lifetimeMs * WARN_REMAINING_SHARE) {
      this.report(
        `identity expires at ${notAfter.toISOString()} (in ${Math.ceil(remainingMs / 60_000)} min) and has not been renewed; check tbot`,
      );
    }
  }

  private report(problem: string | undefined): void {
    if (problem === this.problem) return;
    this.problem = problem;
    if (problem && !problem.startsWith('renewed identity file rejected'))
      this.options.log.warn(problem);
    this.options.onProblem?.(problem);
  }

  private async hashOfFile(): Promise<string> {
    return sha256(await fs.promises.readFile(this.options.path, 'utf8'));
  }
}

/**
 * The start-up checks that parsing alone cannot make: a renewal must be for the same cluster,
 * signed by the same cluster CA, or every call would fail against the server we are talking to.
 */
function refuseOtherCluster(current: Identity, next: Identity): void {
  if (next.clusterName !== current.clusterName) {
    throw new Error(
      `it is for cluster "${next.clusterName}", not "${current.clusterName}"; point tbot's output for this watcher at ${current.clusterName}`,
    );
  }
  const known = new Set(current.tls.caPems.map((pem) => pem.trim()));
  if (!next.tls.caPems.some((pem) => known.has(pem.trim()))) {
    throw new Error(
      `it is signed by another cluster CA than the current identity (cluster "${current.clusterName}"); check which cluster tbot joined, or restart jit-watcher after a CA rotation`,
    );
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
