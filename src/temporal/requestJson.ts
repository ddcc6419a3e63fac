// Access requests as they travel in Temporal payloads: the domain object with its Dates as
// RFC 3339 strings, because Temporal's JSON converter would otherwise turn a Date into a string
// silently and hand activities something that only looks like an AccessRequest.
import type { AccessRequest } from '../domain/accessRequest';

/** The request's optional times; each travels as an RFC 3339 string when set. */
const OPTIONAL_TIMES = ['expires', 'resourceExpires', 'assumeStartTime', 'maxDuration'] as const;
type OptionalTime = (typeof OPTIONAL_TIMES)[number];

export type AccessRequestJson = Omit<AccessRequest, 'created' | OptionalTime | 'reviews'> & {
  created: string;
  reviews: Array<Omit<AccessRequest['reviews'][number], 'created'> & { created?: string }>;
} & Partial<Record<OptionalTime, string>>;

export function requestToJson(r: AccessRequest): AccessRequestJson {
  const { created, reviews, ...rest } = withoutTimes(r);
  return {
    ...rest,
    created: created.toISOString(),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: reviewed.toISOString() } : review,
    ),
    ...convertTimes(r, (d) => d.toISOString()),
  };
}

export function requestFromJson(j: AccessRequestJson): AccessRequest {
  const { created, reviews, ...rest } = withoutTimes(j);
  return {
    ...rest,
    created: new Date(created),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: new Date(reviewed) } : review,
    ),
    ...convertTimes(j, (s) => new Date(s)),
  };
}

/** The optional times that are set, converted; unset ones stay absent (never undefined). */
function convertTimes<F, T>(
  from: Partial<Record<OptionalTime, F>>,
  convert: (value: F) => T,
): Partial<Record<OptionalTime, T>> {
  const out: Partial<Record<OptionalTime, T>> = {};
  for (const key of OPTIONAL_TIMES) {
    const value = from[key];
    if (value !== undefined) out[key] = convert(value);
  }
  return out;
}

function withoutTimes<T extends object>(o: T): Omit<T, OptionalTime> {
  const copy = { ...o } as Record<string, unknown>;
  for (const key of OPTIONAL_TIMES) delete copy[key];
  return copy as Omit<T, OptionalTime>;
}
