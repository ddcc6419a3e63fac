// The access-request methods of the simulated AuthService: caller checks in the order Teleport's
// ServerWithRoles makes them, then the store's rules. Handlers translate wire <-> store and check
// callers; every state rule lives in the store, never here.
import * as grpc from '@grpc/grpc-js';
import type { Caller } from './callerIdentity';
import { accessDenied, badParameter, notFound } from './errors';
import { serverStream, unary, type HandlerContext } from './handlerContext';
import type { SimAccessRequest } from './model';
import { pageOf, type RequestQuery } from './requestQuery';
import type { StateChange } from './requestRules';
import type { AuthServiceHandlers } from '../../src/teleport/generated/proto/AuthService';
import type { ListAccessRequestsRequest__Output } from '../../src/teleport/generated/proto/ListAccessRequestsRequest';
import type { RequestID__Output } from '../../src/teleport/generated/proto/RequestID';
import type { RequestStateSetter__Output } from '../../src/teleport/generated/proto/RequestStateSetter';
import type { AccessRequestFilter__Output } from '../../src/teleport/generated/types/AccessRequestFilter';
import type { AccessRequestV3__Output } from '../../src/teleport/generated/types/AccessRequestV3';
import type { AccessReviewSubmission__Output } from '../../src/teleport/generated/types/AccessReviewSubmission';
import {
  filterFromWire,
  fromLabelValues,
  fromTimestamp,
  requestToWire,
  resourceFromWire,
  subMsNanos,
} from './convert';

type RequestHandlers = Pick<
  AuthServiceHandlers,
  | 'ListAccessRequests'
  | 'GetAccessRequestsV2'
  | 'SetAccessRequestState'
  | 'SubmitAccessReview'
  | 'CreateAccessRequestV2'
  | 'DeleteAccessRequest'
>;

/** Callers without list+read on access_request see only their own requests. */
function visibleRequests(
  ctx: HandlerContext,
  caller: Caller,
  filter?: AccessRequestFilter__Output,
): readonly SimAccessRequest[] {
  const query: RequestQuery = { ...filterFromWire(filter), requester: caller.user };
  if (ctx.authorizer.can(caller, 'access_request', 'list', 'read')) {
    return ctx.store.viewRequests(query);
  }
  if (query.user && query.user !== caller.user) return [];
  return ctx.store.viewRequests({ ...query, user: caller.user });
}

export function requestHandlers(ctx: HandlerContext): RequestHandlers {
  const { store, authorizer } = ctx;
  return {
    ListAccessRequests: ctx.listAccessRequests
      ? unary(ctx, 'ListAccessRequests', (req: ListAccessRequestsRequest__Output, caller) => {
          const all = visibleRequests(ctx, caller, req.Filter);
          // A lookup by id answers before the page size is checked (dynamic_access.go).
          if (req.Filter?.ID) return { AccessRequests: all.map(requestToWire), NextKey: '' };
          const { page, nextKey } = pageOf(all, {
            sort: req.Sort,
            descending: req.Descending,
            limit: req.Limit,
            startKey: req.StartKey,
          });
          return { AccessRequests: page.map(requestToWire), NextKey: nextKey };
        })
      : (_call: unknown, callback: grpc.sendUnaryData<never>) => {
          // What a pre-14.3 Go server answers for a method it does not know.
          callback({
            code: grpc.status.UNIMPLEMENTED,
            details: 'unknown method ListAccessRequests for service proto.AuthService',
          });
        },

    GetAccessRequestsV2: serverStream(ctx, 'GetAccessRequestsV2', (call, caller) => {
      for (const req of visibleRequests(ctx, caller, call.request)) {
        call.write(requestToWire(req));
      }
      call.end();
    }),

    SetAccessRequestState: unary(
      ctx,
      'SetAccessRequestState',
      (req: RequestStateSetter__Output, caller) => {
        authorizer.require(caller, 'access_request', 'update');
        if (caller.activeRequests.length > 0) {
          throw accessDenied(
            'cannot directly update the state of an access request while using an access request',
          );
        }
        const id = req.ID ?? '';
        if (req.State === 'PROMOTED') {
          throw badParameter('state promoted can be only set when promoting to access list');
        }
        const existing = id ? store.getRequest(id) : undefined;
        if (id && !existing) {
          throw notFound(`cannot set state of access request "${id}" (not found)`);
        }
        if (existing?.user === caller.user) {
          throw accessDenied(
            'directly updating the state of your own access requests is not permitted',
          );
        }
        const change: StateChange = {
          state: req.State ?? 'NONE',
          reason: req.Reason ?? '',
          annotations: fromLabelValues(req.Annotations),
          roles: req.Roles ?? [],
        };
        store.setState(id, change);
        return {};
      },
    ),

    // lib/auth/auth_with_roles.go SubmitAccessReview and AuthorizeAccessReviewRequest, then
    // lib/services/local/dynamic_access.go ApplyAccessReview, in that order.
    SubmitAccessReview: unary(
      ctx,
      'SubmitAccessReview',
      (req: AccessReviewSubmission__Output, caller) => {
        const review = req.Review ?? {};
        if (review.ProposedState === 'PROMOTED') {
          throw badParameter('state promoted can be only set when promoting to access list');
        }
        // The author defaults to the caller.
        const author = review.Author || caller.user;
        if (author !== caller.user) {
          throw accessDenied(
            `user "${caller.user}" cannot submit reviews on behalf of "${author}"`,
          );
        }
        authorizer.requireReviewer(caller);
        if (caller.activeRequests.length > 0) {
          throw accessDenied('cannot submit an access review while using an access request');
        }
        const id = req.RequestID ?? '';
        if (!id) throw badParameter('missing request ID');
        const existing = store.getRequest(id);
        if (!existing) throw notFound(`cannot apply review to access request "${id}" (not found)`);
        if (existing.user === caller.user) {
          // The review permission checker never lets users review their own requests.
          throw accessDenied(`user "${author}" cannot review request "${id}"`);
        }
        const updated = store.submitReview(id, {
          author,
          proposedState: review.ProposedState ?? 'NONE',
          reason: review.Reason ?? '',
          roles: review.Roles ?? [],
          annotations: fromLabelValues(review.Annotations),
          created: fromTimestamp(review.Created),
          createdSubMsNanos: subMsNanos(review.Created),
        });
        return requestToWire(updated);
      },
    ),

    CreateAccessRequestV2: unary(
      ctx,
      'CreateAccessRequestV2',
      (req: AccessRequestV3__Output, caller) => {
        const spec = req.Spec ?? {};
        const user = spec.User ?? '';
        const roles = spec.Roles ?? [];
        if (user !== caller.user) {
          // Requests on behalf of someone else need the create rule (an editor's privilege).
          authorizer.require(caller, 'access_request', 'create');
        } else if (!authorizer.mayRequest(caller)) {
          throw accessDenied(
            roles.length > 0
              ? `user "${user}" can not request role "${roles[0]}"`
              : `user "${user}" can not request resources`,
          );
        }
        // lib/auth/auth_with_roles.go CreateAccessRequestV2 names the request itself (a UUIDv7), whatever
        // name the client sent; thresholds come from the requester's roles.
        const created = store.createRequest({
          user,
          thresholds: user === caller.user ? authorizer.thresholdsOf(caller) : undefined,
          assumeStartTime: fromTimestamp(spec.AssumeStartTime),
          roles,
          resources: (spec.RequestedResourceIDs ?? []).map(resourceFromWire),
          reason: spec.RequestReason ?? '',
          suggestedReviewers: spec.SuggestedReviewers ?? [],
          dryRun: spec.DryRun ?? false,
        });
        return requestToWire(created);
      },
    ),

    DeleteAccessRequest: unary(ctx, 'DeleteAccessRequest', (req: RequestID__Output, caller) => {
      authorizer.require(caller, 'access_request', 'delete');
      if (!req.ID) throw badParameter('missing request id');
      store.deleteRequest(req.ID);
      return {};
    }),
  };
}
