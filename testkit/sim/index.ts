// The simulated Teleport cluster's public surface. Tests, benchmarks, the demo and the CLI import
// from here; the modules behind it may be reorganised freely.
export { startSimCluster, DEFAULT_CLUSTER_NAME } from './cluster';
export type { SimCluster, SimClusterOptions, RotateOptions } from './cluster';
export { ManualClock, systemNow, type Now } from './clock';
export { createClusterAuthorities, issueIdentityFile } from './identityFile';
export type { ClusterAuthorities, IssueIdentityParams } from './identityFile';
export type { KeyType } from './certificates';
export { Faults, AUTH_METHODS, type AuthMethod, type MethodSelector } from './faults';
export { SimStore, DEFAULT_PENDING_TTL_MS, DEFAULT_ACCESS_TTL_MS } from './store';
export type { NewLock, NewRequest, LockQuery, StoreOptions } from './store';
export type { SimAccessRequest, SimLock, SimReview, StoreEvent } from './model';
export { SimError, type SimErrorKind } from './errors';
export { builtinRoles, type SimRole, type RoleRule, type Verb } from './roles';
export { loadRoleFile, JIT_WATCHER_ROLE_FILE, RoleFileError } from './roleFile';
export { authAlpnProtocol } from './proxy';
export { SIM_SERVER_VERSION } from './server';
export { waitFor, waitForStoreEvent, waitForRequestState, waitForLock } from './testing';
export { simCommand, type SimIo } from './cli';
export type { ClusterFile } from './cliState';
