// The sim CLI's only RPC code: raw grpc-js calls to a running simulated cluster with an identity
// file, kept in one file so it can switch to the typed Teleport client once that exists. Speaks
// the same wire as any Teleport client; it has no back door into the sim.
import * as grpc from '@grpc/grpc-js';
import { AUTH_SERVER_NAME } from '../../src/teleport/certificateFields';
import { authServiceClientConstructor } from '../../src/teleport/proto';
import type { ResourceId } from '../../src/domain/accessRequest';
import type { AccessRequestV3__Output as WireAccessRequest } from '../../src/teleport/generated/types/AccessRequestV3';
import type { LockV2__Output as WireLock } from '../../src/teleport/generated/types/LockV2';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?\r?\n-----END \1-----\r?\n?/g;
const PAGE_SIZE = 500;
const DEADLINE_MS = 10_000;

export interface NewRequestArgs {
  user: string;
  roles: string[];
  resources: ResourceId[];
  reason: string;
}

export interface SimAdminClient {
  createRequest(args: NewRequestArgs): Promise<WireAccessRequest>;
  listRequests(): Promise<WireAccessRequest[]>;
  listLocks(): Promise<WireLock[]>;
  /** A lock exactly as given: e.g. one with Spec.Expires only, as older clients wrote them. */
  upsertLock(lock: WireLock): Promise<void>;
  close(): void;
}

export interface IdentityPems {
  key: string;
  cert: string;
  cas: string[];
}

/** Key, certificate and CAs by position, as Teleport's own identity-file reader assigns them. */
export function splitIdentity(identityText: string): IdentityPems {
  const [key, cert, ...cas] = [...identityText.matchAll(PEM_BLOCK)].map((m) => m[0]);
  if (!key || !cert || cas.length === 0) {
    throw new Error('identity file has no key, certificate or CA');
  }
  return { key, cert, cas };
}

function credentialsFrom(identityText: string): grpc.ChannelCredentials {
  const { key, cert, cas } = splitIdentity(identityText);
  return grpc.credentials.createSsl(Buffer.from(cas.join('')), Buffer.from(key), Buffer.from(cert));
}

type UnaryMethod = (
  request: unknown,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

type StreamMethod = (
  request: unknown,
  options: grpc.CallOptions,
) => grpc.ClientReadableStream<unknown>;

export function connectAdmin(address: string, identityText: string): SimAdminClient {
  const Client = authServiceClientConstructor();
  const client = new Client(address, credentialsFrom(identityText), {
    'grpc.ssl_target_name_override': AUTH_SERVER_NAME,
    'grpc.default_authority': AUTH_SERVER_NAME,
  });
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      // Generated client methods are attached by name at runtime, untyped.
      const fn = (client as unknown as Record<string, UnaryMethod>)[method];
      if (!fn) return reject(new Error(`no method ${method}`));
      fn.call(client, request, { deadline: Date.now() + DEADLINE_MS }, (err, response) =>
        err ? reject(err) : resolve(response as T),
      );
    });

  return {
    createRequest: (args) =>
      call<WireAccessRequest>('CreateAccessRequestV2', {
        Kind: 'access_request',
        Version: 'v3',
        Metadata: {},
        Spec: {
          User: args.user,
          Roles: args.roles,
          State: 'PENDING',
          RequestReason: args.reason,
          RequestedResourceIDs: args.resources.map((r) => ({
            ClusterName: r.clusterName,
            Kind: r.kind,
            Name: r.name,
            SubResourceName: r.subResourceName ?? '',
          })),
        },
      }),
    async listRequests() {
      try {
        return await listPaged();
      } catch (err) {
        // Teleport before 14.3 has no ListAccessRequests; its clients fall back to the stream.
        if ((err as Partial<grpc.ServiceError>).code !== grpc.status.UNIMPLEMENTED) throw err;
        return streamAll();
      }
    },
    async upsertLock(lock: WireLock) {
      await call('UpsertLock', lock);
    },
    async listLocks() {
      const response = await call<{ Locks?: WireLock[] }>('GetLocks', {});
      return response.Locks ?? [];
    },
    close: () => client.close(),
  };

  async function listPaged(): Promise<WireAccessRequest[]> {
    const all: WireAccessRequest[] = [];
    let startKey = '';
    do {
      const page = await call<{ AccessRequests?: WireAccessRequest[]; NextKey?: string }>(
        'ListAccessRequests',
        { Limit: PAGE_SIZE, StartKey: startKey, Sort: 'CREATED' },
      );
      all.push(...(page.AccessRequests ?? []));
      startKey = page.NextKey ?? '';
    } while (startKey);
    return all;
  }

  function streamAll(): Promise<WireAccessRequest[]> {
    return new Promise((resolve, reject) => {
      const all: WireAccessRequest[] = [];
      // Generated client methods are attached by name at runtime, untyped.
      const open = (client as unknown as Record<string, StreamMethod>).GetAccessRequestsV2;
      if (!open) return reject(new Error('no method GetAccessRequestsV2'));
      const stream = open.call(client, {}, { deadline: Date.now() + DEADLINE_MS });
      stream.on('data', (req: WireAccessRequest) => all.push(req));
      stream.on('error', reject);
      stream.on('end', () => resolve(all));
    });
  }
}

/** One line for a failed call: the server's message without grpc-js's "<code> <NAME>: " prefix. */
export function describeRpcError(err: unknown): string {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code === 'number' && typeof e.details === 'string') {
    return `${grpc.status[e.code]}: ${e.details}`;
  }
  return err instanceof Error ? err.message : String(err);
}
