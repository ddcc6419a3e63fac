// Names shared by the worker, the workflows and the CLI: task queue, workflow ids, and the shapes
// of ids operators type (`temporal workflow signal --workflow-id jit-watcher/<cluster>`).
// Pure: imported by workflow code.

/** One watcher per Teleport cluster. */
export function watcherWorkflowId(cluster: string): string {
  return `jit-watcher/${cluster}`;
}

/** Whether a sweep's (or its index child's) workflow id is one of `cluster`'s. */
export function ofCluster(workflowId: string, cluster: string): boolean {
  return workflowId.startsWith(`jit-watcher/${cluster}/sweep/`);
}

/** Each sweep is its own workflow, named by the time it started so the Web UI lists them in order. */
export function sweepWorkflowId(cluster: string, startedAt: Date): string {
  return `jit-watcher/${cluster}/sweep/${startedAt.toISOString()}`;
}

/**
 * The usage ledger is split over this many workflows by user, so no one workflow's state grows
 * with the cluster (10,000 users with a week of daily use come to about 90 KiB a shard). Fixed: a user's
 * shard must not move, or their recorded use would be left behind in the old one.
 */
export const LEDGER_SHARDS = 64;

/** The ledger workflow that keeps `user`'s use (workflows/ledger.ts). */
export function ledgerWorkflowId(cluster: string, shard: number): string {
  return `jit-watcher/${cluster}/ledger/${shard}`;
}

/** The shard a user's use is kept in: FNV-1a of the name, so every process agrees. */
export function ledgerShard(user: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) {
    hash ^= user.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % LEDGER_SHARDS;
}
