// A raw grpc-js AuthService client for the sim's integration tests: mTLS with an identity file's
// key, certificate and CAs (assigned by position, as Teleport does), nothing else. Deliberately
// independent of src/teleport's client, so these tests check the server, not the client.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { AUTH_SERVER_NAME } from '../../../src/teleport/certificateFields';
import { authServiceClientConstructor } from '../../../src/teleport/proto';
import { startSimCluster, type SimCluster } from '../../../testkit/sim';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?\r?\n-----END \1-----\r?\n?/g;

export interface PemParts {
  key: string;
  cert: string;
  cas: string[];
}

/** Key, certificate and CAs by position, as Teleport's own identity-file reader assigns them. */
export function splitIdentity(identityText: string): PemParts {
  const [key, cert, ...cas] = [...identityText.matchAll(PEM_BLOCK)].map((m) => m[0]);
  if (!key || !cert || cas.length === 0) {
    throw new Error('identity file has no key, certificate or CA');
  }
  return { key, cert, cas };
}

export interface RawClient {
  unary<T = Record<string, unknown>>(method: string, request: unknown): Promise<T>;
  stream(method: string, request: unknown): grpc.ClientReadableStream<Record<string, unknown>>;
  close(): void;
}

type Unary = (
  req: unknown,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: unknown) => void,
) => void;
type Stream = (
  req: unknown,
  opts: grpc.CallOptions,
) => grpc.ClientReadableStream<Record<string, unknown>>;

/** A client over direct mTLS (or plaintext to a TLS bridge when `insecure`). */
export function rawClient(address: string, identityText: string, insecure = false): RawClient {
  const { key, cert, cas } = splitIdentity(identityText);
  const creds = insecure
    ? grpc.credentials.createInsecure()
    : grpc.credentials.createSsl(Buffer.from(cas.join('')), Buffer.from(key), Buffer.from(cert));
  const Client = authServiceClientConstructor();
  const client = new Client(address, creds, {
    'grpc.ssl_target_name_override': AUTH_SERVER_NAME,
    'grpc.default_authority': AUTH_SERVER_NAME,
  });
  // Generated methods are attached by name at runtime, untyped.
  const methods = client as unknown as Record<string, unknown>;
  return {
    unary: <T>(method: string, request: unknown) =>
      new Promise<T>((resolve, reject) => {
        const fn = methods[method] as Unary | undefined;
        if (!fn) return reject(new Error(`no method ${method}`));
        fn.call(client, request, { deadline: Date.now() + 5000 }, (err, res) =>
          err ? reject(err) : resolve(res as T),
        );
      }),
    stream: (method, request) => {
      const fn = methods[method] as Stream | undefined;
      if (!fn) throw new Error(`no method ${method}`);
      return fn.call(client, request, {});
    },
    close: () => client.close(),
  };
}

/** Collects a stream's messages one at a time: `next()` resolves with the next one. */
export function messageQueue<T>(stream: NodeJS.EventEmitter) {
  const items: T[] = [];
  const waiters: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  let failure: Error | undefined;
  stream.on('data', (item: T) => {
    const w = waiters.shift();
    if (w) w.resolve(item);
    else items.push(item);
  });
  stream.on('error', (err: Error) => {
    failure = err;
    for (const w of waiters.splice(0)) w.reject(err);
  });
  return {
    next(timeoutMs = 5000): Promise<T> {
      const item = items.shift();
      if (item !== undefined) return Promise.resolve(item);
      if (failure) return Promise.reject(failure);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no stream message in time')), timeoutMs);
        waiters.push({
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e instanceof Error ? e : new Error(String(e)));
          },
        });
      });
    },
    /** Resolves with the stream's error (rejects if a message arrives first or time runs out). */
    error(timeoutMs = 5000): Promise<grpc.ServiceError> {
      if (failure) return Promise.resolve(failure as grpc.ServiceError);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('stream did not fail in time')), timeoutMs);
        stream.once('error', (err: grpc.ServiceError) => {
          clearTimeout(timer);
          resolve(err);
        });
      });
    },
  };
}

/** Asserts that `call` fails with `code` and, when given, Teleport's message. */
export async function rejectsWith(
  call: Promise<unknown>,
  code: grpc.status,
  details?: string | RegExp,
) {
  await assert.rejects(call, (err: grpc.ServiceError) => {
    assert.equal(grpc.status[err.code], grpc.status[code], err.details);
    if (typeof details === 'string') assert.equal(err.details, details);
    else if (details) assert.match(err.details, details);
    return true;
  });
}

/** One simulated cluster per suite, a bot client on it, and a way to connect as anyone else. */
export interface SimSuite {
  cluster: SimCluster;
  bot: RawClient;
  connect(user: string, roles: string[], activeRequests?: string[]): Promise<RawClient>;
  /** Closes this client when the suite ends. */
  own(client: RawClient): RawClient;
}

export function simSuite(): SimSuite {
  const clients: RawClient[] = [];
  const suite = {
    async connect(user: string, roles: string[], activeRequests?: string[]) {
      const client = rawClient(
        suite.cluster.authAddress,
        await suite.cluster.issueIdentity({ user, roles, activeRequests }),
      );
      return suite.own(client);
    },
    own(client: RawClient) {
      clients.push(client);
      return client;
    },
  } as SimSuite;
  before(async () => {
    suite.cluster = await startSimCluster({ proxy: false });
    suite.bot = await suite.connect('bot', ['jit-watcher']);
  });
  after(async () => {
    for (const c of clients) c.close();
    await suite.cluster.stop();
  });
  return suite;
}
