// Every wait in the demo must end early when the user presses Ctrl-C or the in-process worker
// dies, or the demo would sit out a long timeout before cleaning up. The abandoned wait keeps
// running in the background; its late failure is swallowed here, never left unhandled.

export class DemoAborted extends Error {
  override name = 'DemoAborted';
  constructor() {
    super('stopped');
  }
}

export interface Guard {
  signal?: AbortSignal;
  /** Rejects when something the demo depends on has failed; never resolves. */
  failure?: Promise<never>;
}

/** `work`, unless the guard's signal aborts or its failure rejects first. */
export function guarded<T>(work: Promise<T>, guard: Guard): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DemoAborted());
    // Removed when the work settles: an AbortSignal warns past ten listeners.
    const settle = (): void => guard.signal?.removeEventListener('abort', onAbort);
    if (guard.signal?.aborted) onAbort();
    else guard.signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (err: Error): void => {
      settle();
      reject(err);
    };
    work.then((value) => {
      settle();
      resolve(value);
    }, fail);
    guard.failure?.catch(fail);
  });
}

/** Resolves never; rejects with DemoAborted once the signal aborts (at once if it has). */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new DemoAborted());
    else signal.addEventListener('abort', () => reject(new DemoAborted()), { once: true });
  });
}

/** Throws DemoAborted between steps, so a Ctrl-C during startup starts nothing more. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DemoAborted();
}

/** For polling loops that guarded() abandons: true ends them, so no call outlives the demo. */
export function stopping(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
