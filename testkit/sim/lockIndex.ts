// Locks by name, plus the lookups the server makes on every call: by the user, role or access
// request a lock targets. A scan of every lock per call made a cluster with thousands of locks
// (one per hoarded request) slow in proportion to its size.
import type { LockTarget } from '../../src/domain/lock';
import type { SimLock } from './model';

/** The target fields an identity carries, and so the ones worth indexing. */
export type IdentityField = 'user' | 'role' | 'accessRequest';
export type IndexKey = readonly [field: IdentityField, value: string];

const IDENTITY_FIELDS: readonly IdentityField[] = ['user', 'role', 'accessRequest'];

export function isIdentityField(field: string): field is IdentityField {
  return (IDENTITY_FIELDS as readonly string[]).includes(field);
}

export class LockIndex {
  private readonly byName = new Map<string, SimLock>();
  private readonly byKey = new Map<string, Set<string>>();

  get(name: string): SimLock | undefined {
    return this.byName.get(name);
  }

  values(): IterableIterator<SimLock> {
    return this.byName.values();
  }

  set(lock: SimLock): void {
    this.delete(lock.name);
    this.byName.set(lock.name, lock);
    for (const key of keysOf(lock.target)) {
      const names = this.byKey.get(key) ?? new Set<string>();
      this.byKey.set(key, names.add(lock.name));
    }
  }

  delete(name: string): boolean {
    const lock = this.byName.get(name);
    if (!lock) return false;
    this.byName.delete(name);
    for (const key of keysOf(lock.target)) {
      const names = this.byKey.get(key);
      names?.delete(name);
      if (names?.size === 0) this.byKey.delete(key);
    }
    return true;
  }

  /** Every lock that targets at least one of `keys`, each once. */
  withAnyOf(keys: readonly IndexKey[]): SimLock[] {
    const names = new Set<string>();
    for (const [field, value] of keys) {
      for (const name of this.byKey.get(indexKey(field, value)) ?? []) names.add(name);
    }
    return [...names].map((name) => this.byName.get(name)).filter((l) => l !== undefined);
  }
}

/** The key a query target can be looked up by, or undefined when it names no indexed field. */
export function lookupKey(target: LockTarget): IndexKey | undefined {
  const field = IDENTITY_FIELDS.find((f) => !!target[f]);
  return field && [field, target[field] ?? ''];
}

function keysOf(target: LockTarget): string[] {
  return IDENTITY_FIELDS.filter((f) => !!target[f]).map((f) => indexKey(f, target[f] ?? ''));
}

function indexKey(field: IdentityField, value: string): string {
  return `${field}\u0000${value}`;
}
