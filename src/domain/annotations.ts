// The resolve annotations jit-watcher puts on the requests it approves or denies, so anyone
// reading the request in Teleport (and the watcher itself, on the event stream) can tell its
// decisions from a human's. Keys follow Teleport's `domain/name` convention.

export const ANNOTATION_POLICY = 'jit-watcher/policy';
export const ANNOTATION_DECISION = 'jit-watcher/decision';

/** True when jit-watcher resolved the request (it carries our decision id). */
export function resolvedByWatcher(annotations: Record<string, string[]> | undefined): boolean {
  return (annotations?.[ANNOTATION_DECISION]?.length ?? 0) > 0;
}
