// What the Web UI shows as the watcher's current details (and its static summary): an operator
// opening `jit-watcher/<cluster>` reads whether it enforces, when it last and next sweeps, and the
// last thing that went wrong, without running a query. Pure: imported by workflow code.
import type { WatcherStatus } from './messages';

/** The static summary the watcher is started with: one line in the Web UI's workflow list. */
export function watcherSummary(cluster: string): string {
  return `jit-watcher for ${cluster}`;
}

/**
 * "2026-12-06T14:05:00.000Z (Teleport time): evaluate gina: access of <id> starts (+2 more)":
 * shared by the Web UI's details and `jit-watcher status`.
 */
export function deadlineLine(d: NonNullable<WatcherStatus['nextDeadline']>): string {
  const more = d.kept > 1 ? ` (+${d.kept - 1} more)` : '';
  return `${d.at} (Teleport time): ${d.what}${more}`;
}

/** Markdown the Web UI renders; built from the same status the `status` query returns. */
export function watcherDetails(s: WatcherStatus): string {
  const lines = [
    s.paused
      ? '**PAUSED**: no approvals, denials or locks until resume'
      : `**enforcing**, a sweep every ${s.pollIntervalMs / 1000} s`,
  ];
  if (s.currentSweep) lines.push(`sweeping since ${s.currentSweep.startedAt}`);
  if (s.lastSweep) {
    const c = s.lastSweep.counts;
    const counts = ['approved', 'denied', 'locked', 'failed']
      .filter((k) => (c[k] ?? 0) > 0)
      .map((k) => `${c[k]} ${k}`);
    const outcome = s.lastSweep.ok ? 'ok' : 'with errors';
    const summary = counts.length > 0 ? `, ${counts.join(', ')}` : '';
    lines.push(`last sweep ${s.lastSweep.finishedAt} (${outcome}${summary})`);
  }
  if (s.sweepQueued) lines.push('next sweep: queued');
  else if (s.nextSweepAt) lines.push(`next sweep ${s.nextSweepAt}`);
  if (s.nextDeadline) lines.push(`next deadline ${deadlineLine(s.nextDeadline)}`);
  const escalated = s.totals.escalated ? `, ${s.totals.escalated} left to humans` : '';
  lines.push(
    `totals: ${s.totals.approved} approved, ${s.totals.denied} denied, ${s.totals.locked} locked, ${s.totals.failed} failed${escalated}`,
  );
  if (s.shadow)
    lines.push(
      `shadow policy ${s.shadow.version} since ${s.shadow.setAt}: ${s.shadow.disagreements} disagreements (sweeps: \`JitShadowDisagreements > 0\`)`,
    );
  if (s.lastError) lines.push(`last error: ${s.lastError}`);
  if (s.refused) lines.push(`signals refused for bad input: ${s.refused}`);
  // Two trailing spaces: a Markdown line break, so each fact keeps its own line.
  return lines.join('  \n');
}
