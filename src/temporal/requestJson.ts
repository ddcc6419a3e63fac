// Access requests as they travel in Temporal payloads: the domain object with its Dates as
// RFC 3339 strings, because Temporal's JSON converter would otherwise turn a Date into a string
// silently and hand activities something that only looks like an AccessRequest.
import type { AccessRequest } from '../domain/accessRequest';

export type AccessRequestJson = Omit<
  AccessRequest,
  'created' | 'expires' | 'resourceExpires' | 'reviews'
> & {
  created: string;
  expires?: string;
  resourceExpires?: string;
  reviews: Array<Omit<AccessRequest['reviews'][number], 'created'> & { created?: string }>;
};

export function requestToJson(r: AccessRequest): AccessRequestJson {
  const { created, expires, resourceExpires, reviews, ...rest } = r;
  const json: AccessRequestJson = {
    ...rest,
    created: created.toISOString(),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: reviewed.toISOString() } : review,
    ),
  };
  if (expires) json.expires = expires.toISOString();
  if (resourceExpires) json.resourceExpires = resourceExpires.toISOString();
  return json;
}

export function requestFromJson(j: AccessRequestJson): AccessRequest {
  const { created, expires, resourceExpires, reviews, ...rest } = j;
  const request: AccessRequest = {
    ...rest,
    created: new Date(created),
    reviews: reviews.map(({ created: reviewed, ...review }) =>
      reviewed ? { ...review, created: new Date(reviewed) } : review,
    ),
  };
  if (expires) request.expires = new Date(expires);
  if (resourceExpires) request.resourceExpires = new Date(resourceExpires);
  return request;
}
