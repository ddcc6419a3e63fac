// The typed Teleport Auth client: the one implementation of TeleportClient and TeleportAdmin,
// speaking Teleport's gRPC API through the TLS bridge. Every unary call has a deadline; every
// failure leaves as a TeleportError. Wire shapes are converted at this edge and never returned.
import * as grpc from '@grpc/grpc-js';
import type { AccessRequest } from '../domain/accessRequest';
import type { Lock } from '../domain/lock';
import { AUTH_SERVER_NAME } from './certificateFields';
import {
  accessRequestFromWire,
  labelValuesToWire,
  toTimestamp,
  lockFromWire,
  lockTargetToWire,
  lockToWire,
  resourceToWire,
} from './convert';
import { fromGrpcError, isTeleportError, TeleportError } from './errors';
import type { Identity } from './identityFile';
import { createdSortKey, decodePageKey, encodePageKey } from './pageKey';
import { authServiceClientConstructor } from './proto';
import { TlsBridge } from './tlsBridge';
import type {
  CreateRequestParams,
  GetLocksParams,
  PingResult,
  RequestFilter,
  RequestPage,
  RequestPageParams,
  SetRequestStateParams,
  SubmitReviewParams,
  TeleportAdmin,
  TeleportClient,
  WatchEvent,
  WatchParams,
} from './types';
import type { AccessRequestFilter } from './generated/types/AccessRequestFilter';
import type { AuthServiceClient } from './generated/proto/AuthService';
import type { Event__Output } from './generated/proto/Event';
import type { GetLocksResponse__Output } from './generated/proto/GetLocksResponse';
import type { PingResponse__Output } from './generated/proto/PingResponse';
import type { AccessRequestV3, AccessRequestV3__Output } from './generated/types/AccessRequestV3';
import type { LockV2__Output } from './generated/types/LockV2';
import type { ListAccessRequestsResponse__Output } from './generated/proto/ListAccessRequestsResponse';
import { eventFromWire } from './watchEvent';

/** Requests per ListAccessRequests page: well under the 4 MiB message cap even for large requests. */
export const LIST_PAGE_SIZE = 500;
const DEFAULT_CALL_TIMEOUT_MS = 10_000;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Teleport's Auth answers pings more often than once a minute with GOAWAY too_many_pings.
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.default_authority': AUTH_SERVER_NAME,
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 10_000,
};

export interface ConnectOptions {
  /** Auth (host:3025) or Proxy with TLS routing (host:443). */
  address: string;
  identity: Identity;
  callTimeoutMs?: number;
}

/** Starts one typed unary call with the given options; `unary` adds the deadline and errors. */
type UnaryStart<T> = (options: grpc.CallOptions, callback: grpc.requestCallback<T>) => unknown;

export class GrpcTeleportClient implements TeleportClient, TeleportAdmin {
  private grpcClient: AuthServiceClient;
  /** Set once the server says ListAccessRequests is unimplemented (Teleport before 14.3). */
  private useLegacyList = false;

  private constructor(
    private readonly bridge: TlsBridge,
    private readonly callTimeoutMs: number,
  ) {
    this.grpcClient = newGrpcClient(bridge);
  }

  static async connect(options: ConnectOptions): Promise<GrpcTeleportClient> {
    const bridge = await TlsBridge.start(options.address, options.identity);
    return new GrpcTeleportClient(bridge, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  }

  get identity(): Identity {
    return this.bridge.currentIdentity();
  }

  /**
   * Moves to a renewed identity: new connections use it at once, and the old channel is closed
   * so it takes no new calls; calls already in flight finish on it.
   */
  replaceIdentity(identity: Identity): void {
    this.bridge.setIdentity(identity);
    const old = this.grpcClient;
    this.grpcClient = newGrpcClient(this.bridge);
    old.close();
  }

  async ping(): Promise<PingResult> {
    const res = await this.unary<PingResponse__Output>('Ping', (o, cb) =>
      this.grpcClient.Ping({}, o, cb),
    );
    return { clusterName: res.ClusterName ?? '', serverVersion: res.ServerVersion ?? '' };
  }

  async listAccessRequests(filter: RequestFilter = {}): Promise<AccessRequest[]> {
    const wireFilter = wireRequestFilter(filter);
    if (!this.useLegacyList) {
      try {
        return await this.listPaged(wireFilter);
      } catch (err) {
        if (!isTeleportError(err, 'NotImplemented')) throw err;
        this.useLegacyList = true;
      }
    }
    return this.listStreamed(wireFilter);
  }

  async listAccessRequestsPage(params: RequestPageParams): Promise<RequestPage> {
    if (!this.useLegacyList) {
      try {
        const page = await this.listPage(
          wireRequestFilter(params.filter ?? {}),
          params.limit,
          params.startKey ?? '',
        );
        const requests = (page.AccessRequests ?? []).map(accessRequestFromWire);
        return page.NextKey ? { requests, nextKey: page.NextKey } : { requests };
      } catch (err) {
        if (!isTeleportError(err, 'NotImplemented')) throw err;
        this.useLegacyList = true;
      }
    }
    // Before 14.3 there is no server-side paging: page the full stream the same way.
    const all = await this.listStreamed(wireRequestFilter(params.filter ?? {}));
    return pageLocally(all, params);
  }

  private listPage(
    filter: AccessRequestFilter,
    limit: number,
    startKey: string,
  ): Promise<ListAccessRequestsResponse__Output> {
    return this.unary<ListAccessRequestsResponse__Output>('ListAccessRequests', (o, cb) =>
      this.grpcClient.ListAccessRequests(
        { Filter: filter, Limit: limit, StartKey: startKey, Sort: 'CREATED' },
        o,
        cb,
      ),
    );
  }

  private async listPaged(filter: AccessRequestFilter): Promise<AccessRequest[]> {
    const out: AccessRequest[] = [];
    let startKey = '';
    do {
      const page = await this.listPage(filter, LIST_PAGE_SIZE, startKey);
      for (const wire of page.AccessRequests ?? []) out.push(accessRequestFromWire(wire));
      startKey = page.NextKey ?? '';
    } while (startKey);
    return out;
  }

  private async listStreamed(filter: AccessRequestFilter): Promise<AccessRequest[]> {
    const call = this.grpcClient.GetAccessRequestsV2(filter, {
      deadline: Date.now() + this.callTimeoutMs * 6,
    });
    const out: AccessRequest[] = [];
    try {
      // A Readable iterates as `any`; the stream's type says what it carries.
      const messages = call as AsyncIterable<AccessRequestV3__Output>;
      for await (const wire of messages) out.push(accessRequestFromWire(wire));
    } catch (err) {
      throw fromGrpcError(err, 'GetAccessRequestsV2', this.bridge.lastError);
    }
    return out;
  }

  async getAccessRequest(id: string): Promise<AccessRequest | undefined> {
    const [request] = await this.listAccessRequests({ id });
    return request;
  }

  async setRequestState(params: SetRequestStateParams): Promise<void> {
    const request = {
      ID: params.id,
      State: params.state,
      Reason: params.reason,
      Annotations: params.annotations ? labelValuesToWire(params.annotations) : undefined,
    };
    await this.unary('SetAccessRequestState', (o, cb) =>
      this.grpcClient.SetAccessRequestState(request, o, cb),
    );
  }

  callerName(): string {
    return this.bridge.currentIdentity().user;
  }

  async submitReview(params: SubmitReviewParams): Promise<AccessRequest> {
    const submission = {
      RequestID: params.requestId,
      Review: {
        // Teleport fills an empty author in with the caller. No Roles (role subselection) and
        // no Annotations: Teleport refuses both in reviews (NotImplemented).
        Author: this.callerName(),
        ProposedState: params.state,
        Reason: params.reason,
      },
    };
    const res = await this.unary<AccessRequestV3__Output>('SubmitAccessReview', (o, cb) =>
      this.grpcClient.SubmitAccessReview(submission, o, cb),
    );
    return accessRequestFromWire(res);
  }

  async createRequest(params: CreateRequestParams): Promise<AccessRequest> {
    const request: AccessRequestV3 = {
      Kind: 'access_request',
      Version: 'v3',
      // Teleport replaces any name with its own UUIDv7; one is still sent for older servers.
      Metadata: { Name: crypto.randomUUID(), Namespace: 'default' },
      Spec: {
        User: params.user,
        Roles: params.roles,
        State: 'PENDING',
        RequestReason: params.reason ?? '',
        RequestedResourceIDs: (params.resources ?? []).map(resourceToWire),
        AssumeStartTime: toTimestamp(params.assumeStartTime) ?? null,
      },
    };
    const res = await this.unary<AccessRequestV3__Output>('CreateAccessRequestV2', (o, cb) =>
      this.grpcClient.CreateAccessRequestV2(request, o, cb),
    );
    return accessRequestFromWire(res);
  }

  async deleteRequest(id: string): Promise<void> {
    await this.unary('DeleteAccessRequest', (o, cb) =>
      this.grpcClient.DeleteAccessRequest({ ID: id }, o, cb),
    );
  }

  async upsertLock(lock: Lock): Promise<void> {
    const message = lockToWire(lock);
    await this.unary('UpsertLock', (o, cb) => this.grpcClient.UpsertLock(message, o, cb));
  }

  async upsertLockWithoutBackendExpiry(lock: Lock): Promise<void> {
    const message = lockToWire(lock);
    if (message.Metadata) message.Metadata.Expires = null;
    await this.unary('UpsertLock', (o, cb) => this.grpcClient.UpsertLock(message, o, cb));
  }

  async getLocks(params: GetLocksParams = {}): Promise<Lock[]> {
    const request = {
      Targets: (params.targets ?? []).map(lockTargetToWire),
      InForceOnly: params.inForceOnly ?? false,
    };
    const res = await this.unary<GetLocksResponse__Output>('GetLocks', (o, cb) =>
      this.grpcClient.GetLocks(request, o, cb),
    );
    return (res.Locks ?? []).map(lockFromWire);
  }

  async getLock(name: string): Promise<Lock | undefined> {
    try {
      const res = await this.unary<LockV2__Output>('GetLock', (o, cb) =>
        this.grpcClient.GetLock({ Name: name }, o, cb),
      );
      return lockFromWire(res);
    } catch (err) {
      if (isTeleportError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async deleteLock(name: string): Promise<void> {
    await this.unary('DeleteLock', (o, cb) => this.grpcClient.DeleteLock({ Name: name }, o, cb));
  }

  async *watch(params: WatchParams): AsyncIterable<WatchEvent> {
    const kinds = params.kinds.map((kind) => ({
      Kind: kind,
      Filter: params.filters?.[kind] ?? {},
    }));
    const call = this.grpcClient.WatchEvents({ Kinds: kinds });
    const cancel = (): void => call.cancel();
    params.signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const wire of call as AsyncIterable<Event__Output>) {
        const event = eventFromWire(wire);
        if (event) yield event;
      }
    } catch (err) {
      if (params.signal?.aborted) return;
      throw fromGrpcError(err, 'WatchEvents', this.bridge.lastError);
    } finally {
      params.signal?.removeEventListener('abort', cancel);
      call.cancel();
    }
    if (!params.signal?.aborted) {
      throw new TeleportError(
        'ConnectionProblem',
        'Teleport closed the event stream',
        'WatchEvents',
      );
    }
  }

  close(): void {
    this.grpcClient.close();
    void this.bridge.close();
  }

  /** `method` names the call in errors only; the call itself is the typed client's method. */
  private unary<T>(method: string, start: UnaryStart<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      start({ deadline: Date.now() + this.callTimeoutMs }, (err, response) => {
        if (err) reject(fromGrpcError(err, method, this.bridge.lastError));
        else resolve(response as T);
      });
    });
  }
}

function wireRequestFilter(filter: RequestFilter): AccessRequestFilter {
  return { ID: filter.id ?? '', User: filter.user ?? '', State: filter.state ?? 'NONE' };
}

/** Teleport's CREATED order and inclusive start key, for servers that cannot page. */
function pageLocally(all: AccessRequest[], params: RequestPageParams): RequestPage {
  // A key this client did not make (one a sweep kept from before an upgrade) starts over:
  // decisions are idempotent, and the next key it hands out is one of its own.
  const start = params.startKey === undefined ? undefined : decodePageKey(params.startKey);
  const sorted = all
    .map((r) => ({ key: createdSortKey(r.created, r.id), r }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter(({ key }) => start === undefined || key >= start);
  const next = sorted[params.limit];
  const requests = sorted.slice(0, params.limit).map(({ r }) => r);
  return next ? { requests, nextKey: encodePageKey(next.key) } : { requests };
}

function newGrpcClient(bridge: TlsBridge): AuthServiceClient {
  const Ctor = authServiceClientConstructor();
  return new Ctor(bridge.grpcTarget, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}
