// Which access requests a filter selects (types.AccessRequestFilter.Match) and how
// ListAccessRequests orders and pages them. Pure; the page token is opaque to clients and must
// stay so: they may only pass back what NextKey gave them.
import { createdSortKey, decodePageKey, encodePageKey } from '../../src/teleport/pageKey';
import { badParameter } from './errors';
import type { RequestState, SimAccessRequest } from './model';

export type RequestScope = 'DEFAULT' | 'MY_REQUESTS' | 'NEEDS_REVIEW' | 'REVIEWED';
export type RequestSort = 'DEFAULT' | 'CREATED' | 'STATE' | 'USER';

export interface RequestQuery {
  id?: string;
  user?: string;
  /** NONE or undefined: any state. */
  state?: RequestState;
  searchKeywords?: string[];
  scope?: RequestScope;
  /** The caller, for scoped queries; Teleport fills it in server side. */
  requester?: string;
}

export interface PageParams {
  sort?: RequestSort;
  descending?: boolean;
  limit?: number;
  startKey?: string;
}

/** Teleport's page size limits for ListAccessRequests. */
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 16000;

export function requestMatches(req: SimAccessRequest, q: RequestQuery): boolean {
  const reviewed = (who: string | undefined) => req.reviews.some((r) => r.author === who);
  switch (q.scope) {
    case 'MY_REQUESTS':
      if (req.user !== q.requester) return false;
      break;
    case 'NEEDS_REVIEW':
      if (req.user === q.requester || req.state !== 'PENDING' || reviewed(q.requester)) {
        return false;
      }
      break;
    case 'REVIEWED':
      if (req.user === q.requester || !reviewed(q.requester)) return false;
      break;
    default:
      break;
  }
  if (!matchesSearch(req, q.searchKeywords ?? [])) return false;
  if (q.id && req.id !== q.id) return false;
  if (q.user && req.user !== q.user) return false;
  if (q.state && q.state !== 'NONE' && req.state !== q.state) return false;
  return true;
}

/** Every keyword must appear (case-insensitively) in one of the request's searchable fields. */
function matchesSearch(req: SimAccessRequest, keywords: string[]): boolean {
  const fields = [
    req.id,
    req.user,
    req.requestReason,
    ...req.roles,
    ...req.resources.map((r) => r.name),
  ].map((f) => f.toLowerCase());
  return keywords.every((k) => fields.some((f) => f.includes(k.toLowerCase())));
}

function sortKey(req: SimAccessRequest, sort: RequestSort): string {
  switch (sort) {
    case 'CREATED':
      return createdSortKey(req.created, req.id);
    case 'STATE':
      return `${req.state}\u0000${req.id}`;
    case 'USER':
      return `${req.user}\u0000${req.id}`;
    default:
      return req.id;
  }
}

function startKeyOf(token: string): string {
  const key = decodePageKey(token);
  if (key === undefined) throw badParameter(`invalid start key "${token}"`);
  return key;
}

/** One page in the requested order; `nextKey` is empty on the last page. */
export function pageOf(
  requests: readonly SimAccessRequest[],
  params: PageParams,
): { page: SimAccessRequest[]; nextKey: string } {
  const limit = params.limit ?? 0;
  if (limit < 0) throw badParameter(`invalid limit ${limit}`);
  // lib/services/local/dynamic_access.go ListAccessRequests: refused, not clamped.
  if (limit > MAX_PAGE_SIZE) throw badParameter(`page size of ${limit} is too large`);
  const size = limit === 0 ? DEFAULT_PAGE_SIZE : limit;
  const sort = params.sort ?? 'DEFAULT';
  const dir = params.descending ? -1 : 1;
  const keyed = requests
    .map((req) => ({ req, key: sortKey(req, sort) }))
    .sort((a, b) => (a.key < b.key ? -dir : a.key > b.key ? dir : 0));
  const start = params.startKey ? startKeyOf(params.startKey) : undefined;
  const from =
    start === undefined
      ? keyed
      : keyed.filter(({ key }) => (params.descending ? key <= start : key >= start));
  const next = from[size];
  return {
    page: from.slice(0, size).map(({ req }) => req),
    nextKey: next ? encodePageKey(next.key) : '',
  };
}
