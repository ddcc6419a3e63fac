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
  const { created, expires, resourceExpires, assumeStartTime, maxDuration, reviews, ...rest } = r;
  const json: AccessRequestJson = {
    ...rest,
    created: created.toISOString(),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: reviewed.toISOString() } : review,
    ),
  };
  const times: Record<OptionalTime, Date | undefined> = {
    expires,
    resourceExpires,
    assumeStartTime,
    maxDuration,
  };
  for (const key of OPTIONAL_TIMES) {
    const value = times[key];
    if (value) json[key] = value.toISOString();
  }
  return json;
}

export function requestFromJson(j: AccessRequestJson): AccessRequest {
  const { created, expires, resourceExpires, assumeStartTime, maxDuration, reviews, ...rest } = j;
  const request: AccessRequest = {
    ...rest,
    created: new Date(created),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: new Date(reviewed) } : review,
    ),
  };
  const times: Record<OptionalTime, string | undefined> = {
    expires,
    resourceExpires,
    assumeStartTime,
    maxDuration,
  };
  for (const key of OPTIONAL_TIMES) {
    const value = times[key];
    if (value) request[key] = new Date(value);
  }
  return request;
}
