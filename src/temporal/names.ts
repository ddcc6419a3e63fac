// Names shared by the worker, the workflows and the CLI: task queue, workflow ids, and the shapes
// of ids operators type (`temporal workflow signal --workflow-id jit-watcher/<cluster>`).
// Pure: imported by workflow code.

/** One watcher per Teleport cluster. */
export function watcherWorkflowId(cluster: string): string {
  return `jit-watcher/${cluster}`;
}

/** Each sweep is its own workflow, named by the time it started so the Web UI lists them in order. */
export function sweepWorkflowId(cluster: string, startedAt: Date): string {
  return `jit-watcher/${cluster}/sweep/${startedAt.toISOString()}`;
}
