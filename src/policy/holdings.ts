// What a user holds: which approved requests are in force, in which order they are judged, and how
// much each counts toward the resource limit. Pure helpers; the ordering here is the one
// determinism rests on, so it must be total (creation time, then id) and locale-independent.
import { accessEnd, resourcePath, type AccessRequest } from '../domain/accessRequest';
import { lockInForce, type Lock } from '../domain/lock';
import { compareStrings } from './patterns';
import type { Holding } from './rule';

/** Ids of requests taken out of force by a lock in force, whoever created the lock. */
export function lockedRequestIds(locks: Lock[], now: Date): Set<string> {
  const ids = new Set<string>();
  for (const lock of locks) {
    const target = lock.target.accessRequest;
    if (target !== undefined && target !== '' && lockInForce(lock, now)) ids.add(target);
  }
  return ids;
}

/**
 * Approved, not locked, started (an access that starts later, Spec.AssumeStartTime, is not held
 * until then) and not yet ended (its expiry or maximum duration, whichever comes first; neither
 * set counts as in force).
 */
export function inForce(request: AccessRequest, locked: ReadonlySet<string>, now: Date): boolean {
  if (request.state !== 'APPROVED' || locked.has(request.id)) return false;
  if (request.assumeStartTime && request.assumeStartTime.getTime() > now.getTime()) return false;
  const end = accessEnd(request);
  return end === undefined || end.getTime() > now.getTime();
}

/** Newest first; equal creation times fall back to id so every input order sorts the same. */
export function newestFirst(a: AccessRequest, b: AccessRequest): number {
  return b.created.getTime() - a.created.getTime() || compareStrings(a.id, b.id);
}

/** Oldest first, the order pending requests are judged in (arrival order). */
export function oldestFirst(a: AccessRequest, b: AccessRequest): number {
  return a.created.getTime() - b.created.getTime() || compareStrings(a.id, b.id);
}

/** The request's resources as canonical paths, duplicates removed, sorted. */
export function distinctResources(request: AccessRequest): string[] {
  return [...new Set(request.resources.map(resourcePath))].sort(compareStrings);
}

/**
 * What a set of requests counts toward maxResources: distinct resources across all of them (a
 * resource named twice is held once) plus roleRequestWeight for each role-only request.
 */
export function holdingSize(requests: AccessRequest[], roleRequestWeight: number): number {
  const paths = new Set<string>();
  let roleOnly = 0;
  for (const request of requests) {
    if (request.resources.length === 0) roleOnly += 1;
    for (const r of request.resources) paths.add(resourcePath(r));
  }
  return paths.size + roleOnly * roleRequestWeight;
}

/**
 * A request in force as rules see it: its access counts from its requested start
 * (assume_start_time), else its creation, until its access expiry.
 */
export function toHolding(request: AccessRequest): Holding {
  const holding: Holding = { request, start: request.assumeStartTime ?? request.created };
  if (request.expires !== undefined) holding.end = request.expires;
  return holding;
}
