// Loads the trimmed Teleport definitions in proto/ at runtime. The options below are chosen so
// the decoded objects keep Teleport's field names (keepCase) and enums arrive as their names;
// both the client and the simulated cluster use this one loader so they cannot drift apart. The
// types come from the same files (src/teleport/generated, by `npm run generate:proto`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/authservice';
import type { AuthServiceDefinition } from './generated/proto/AuthService';

const AUTH_SERVICE_FILE = 'teleport/legacy/client/proto/authservice.proto';
const PROTO_ROOT = findProtoRoot(__dirname);

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: ProtoGrpcType | undefined;

/**
 * proto/ sits at the repository's (or image's) root; this file runs from src/teleport, from
 * dist/teleport, or from the test kit's build, each at a different depth, so look upward.
 */
function findProtoRoot(from: string): string {
  let dir = from;
  for (let depth = 0; depth < 6; depth++) {
    dir = path.dirname(dir);
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(candidate, AUTH_SERVICE_FILE))) return candidate;
  }
  throw new Error(`proto/${AUTH_SERVICE_FILE} not found above ${from}; reinstall jit-watcher`);
}

/** The loaded package tree, typed by the generated ProtoGrpcType (same files, same options). */
function loadTeleportProto(): ProtoGrpcType {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(AUTH_SERVICE_FILE, LOADER_OPTIONS),
  ) as unknown as ProtoGrpcType;
  return cached;
}

/** The AuthService definition, for building a server. */
export function authServiceDefinition(): AuthServiceDefinition {
  return loadTeleportProto().proto.AuthService.service;
}

/** The typed AuthService client constructor. */
export function authServiceClientConstructor(): ProtoGrpcType['proto']['AuthService'] {
  return loadTeleportProto().proto.AuthService;
}
