// Fan-out of committed store changes to watchers, synchronously and in commit order, so every
// WatchEvents stream sees the same sequence the store applied. A failing listener must never
// undo or reorder a commit: its error is reported, not thrown back into the store.
import type { StoreEvent } from './model';

export type StoreListener = (event: StoreEvent) => void;

export class EventBus {
  private listeners: StoreListener[] = [];

  subscribe(listener: StoreListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  publish(event: StoreEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(
          `sim watcher failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  get size(): number {
    return this.listeners.length;
  }

  clear(): void {
    this.listeners = [];
  }
}
