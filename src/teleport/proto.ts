// Loads the trimmed Teleport definitions in proto/ at runtime. The options below are chosen so
// the decoded objects keep Teleport's field names (keepCase) and enums arrive as their names;
// both the client and the simulated cluster use this one loader so they cannot drift apart.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_ROOT = path.resolve(__dirname, '..', '..', 'proto');
const AUTH_SERVICE_FILE = 'teleport/legacy/client/proto/authservice.proto';

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: grpc.GrpcObject | undefined;

/** The loaded package tree; `proto.AuthService` is a service client constructor. */
export function loadTeleportProto(): grpc.GrpcObject {
  cached ??= grpc.loadPackageDefinition(protoLoader.loadSync(AUTH_SERVICE_FILE, LOADER_OPTIONS));
  return cached;
}

/** The AuthService definition, for building a server or a client. */
export function authServiceDefinition(): grpc.ServiceDefinition {
  const pkg = loadTeleportProto().proto as grpc.GrpcObject;
  const ctor = pkg.AuthService as grpc.ServiceClientConstructor;
  return ctor.service;
}

export function authServiceClientConstructor(): grpc.ServiceClientConstructor {
  const pkg = loadTeleportProto().proto as grpc.GrpcObject;
  return pkg.AuthService as grpc.ServiceClientConstructor;
}
