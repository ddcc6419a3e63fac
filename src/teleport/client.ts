// The typed Teleport Auth client: the one implementation of TeleportClient, speaking Teleport's
// gRPC API through the TLS bridge. Every unary call has a deadline; every failure leaves as a
// TeleportError. Wire shapes are converted at this edge and never returned.
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
  TeleportClient,
  WatchEvent,
  WatchParams,
} from './types';
import type { WireAccessRequest, WireEvent, WireLock } from './wire';
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

type UnaryCallback = (err: grpc.ServiceError | null, response?: unknown) => void;
type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: UnaryCallback,
) => grpc.ClientUnaryCall;
type StreamMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
) => grpc.ClientReadableStream<unknown>;

export class GrpcTeleportClient implements TeleportClient {
  private grpcClient: grpc.Client;
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
    const res = await this.unary<{ ClusterName?: string; ServerVersion?: string }>('Ping', {});
    return { clusterName: res.ClusterName ?? '', serverVersion: res.ServerVersion ?? '' };
  }

  async listAccessRequests(filter: RequestFilter = {}): Promise<AccessRequest[]> {
    const wireFilter = {
      ID: filter.id ?? '',
      User: filter.user ?? '',
      State: filter.state ?? 'NONE',
    };
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
        const page = await this.unary<{ AccessRequests?: WireAccessRequest[]; NextKey?: string }>(
          'ListAccessRequests',
          {
            Filter: wireRequestFilter(params.filter ?? {}),
            Limit: params.limit,
            StartKey: params.startKey ?? '',
            Sort: 'CREATED',
          },
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

  private async listPaged(filter: object): Promise<AccessRequest[]> {
    const out: AccessRequest[] = [];
    let startKey = '';
    do {
      const page = await this.unary<{ AccessRequests?: WireAccessRequest[]; NextKey?: string }>(
        'ListAccessRequests',
        { Filter: filter, Limit: LIST_PAGE_SIZE, StartKey: startKey, Sort: 'CREATED' },
      );
      for (const wire of page.AccessRequests ?? []) out.push(accessRequestFromWire(wire));
      startKey = page.NextKey ?? '';
    } while (startKey);
    return out;
  }

  private async listStreamed(filter: object): Promise<AccessRequest[]> {
    const call = this.stub<StreamMethod>('GetAccessRequestsV2')(filter, new grpc.Metadata(), {
      deadline: Date.now() + this.callTimeoutMs * 6,
    }) as grpc.ClientReadableStream<WireAccessRequest>;
    const out: AccessRequest[] = [];
    try {
      for await (const wire of call) out.push(accessRequestFromWire(wire as WireAccessRequest));
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
    await this.unary('SetAccessRequestState', {
      ID: params.id,
      State: params.state,
      Reason: params.reason,
      Annotations: params.annotations ? labelValuesToWire(params.annotations) : undefined,
    });
  }

  callerName(): string {
    return this.bridge.currentIdentity().user;
  }

  async submitReview(params: SubmitReviewParams): Promise<AccessRequest> {
    const res = await this.unary<WireAccessRequest>('SubmitAccessReview', {
      RequestID: params.requestId,
      Review: {
        // Teleport fills an empty author in with the caller. No Roles (role subselection) and
        // no Annotations: Teleport refuses both in reviews (NotImplemented).
        Author: this.callerName(),
        ProposedState: params.state,
        Reason: params.reason,
      },
    });
    return accessRequestFromWire(res);
  }

  async createRequest(params: CreateRequestParams): Promise<AccessRequest> {
    const res = await this.unary<WireAccessRequest>('CreateAccessRequestV2', {
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
    });
    return accessRequestFromWire(res);
  }

  async deleteRequest(id: string): Promise<void> {
    await this.unary('DeleteAccessRequest', { ID: id });
  }

  async upsertLock(lock: Lock): Promise<void> {
    await this.unary('UpsertLock', lockToWire(lock));
  }

  async getLocks(params: GetLocksParams = {}): Promise<Lock[]> {
    const res = await this.unary<{ Locks?: WireLock[] }>('GetLocks', {
      Targets: (params.targets ?? []).map(lockTargetToWire),
      InForceOnly: params.inForceOnly ?? false,
    });
    return (res.Locks ?? []).map(lockFromWire);
  }

  async getLock(name: string): Promise<Lock | undefined> {
    try {
      return lockFromWire(await this.unary<WireLock>('GetLock', { Name: name }));
    } catch (err) {
      if (isTeleportError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async deleteLock(name: string): Promise<void> {
    await this.unary('DeleteLock', { Name: name });
  }

  async *watch(params: WatchParams): AsyncIterable<WatchEvent> {
    const kinds = params.kinds.map((kind) => ({
      Kind: kind,
      Filter: params.filters?.[kind] ?? {},
    }));
    const call = this.stub<StreamMethod>('WatchEvents')(
      { Kinds: kinds },
      new grpc.Metadata(),
      {},
    ) as grpc.ClientReadableStream<WireEvent>;
    const cancel = (): void => call.cancel();
    params.signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const wire of call) {
        const event = eventFromWire(wire as WireEvent);
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

  private stub<M extends UnaryMethod | StreamMethod>(method: string): M {
    const fn = (this.grpcClient as unknown as Record<string, M | undefined>)[method];
    if (!fn) throw new Error(`AuthService has no method ${method}`);
    return fn.bind(this.grpcClient) as M;
  }

  private unary<T = unknown>(method: string, request: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.stub<UnaryMethod>(method)(
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + this.callTimeoutMs },
        (err, response) => {
          if (err) reject(fromGrpcError(err, method, this.bridge.lastError));
          else resolve(response as T);
        },
      );
    });
  }
}

function wireRequestFilter(filter: RequestFilter): object {
  return { ID: filter.id ?? '', User: filter.user ?? '', State: filter.state ?? 'NONE' };
}

/** Teleport's CREATED order and inclusive start key, for servers that cannot page. */
function pageLocally(all: AccessRequest[], params: RequestPageParams): RequestPage {
  const keyOf = (r: AccessRequest) => `${r.created.toISOString()}/${r.id}`;
  const sorted = all
    .map((r) => ({ key: keyOf(r), r }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter(({ key }) => params.startKey === undefined || key >= params.startKey);
  const next = sorted[params.limit];
  const requests = sorted.slice(0, params.limit).map(({ r }) => r);
  return next ? { requests, nextKey: next.key } : { requests };
}

function newGrpcClient(bridge: TlsBridge): grpc.Client {
  const Ctor = authServiceClientConstructor();
  return new Ctor(bridge.grpcTarget, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}
