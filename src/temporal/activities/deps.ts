// What activities need from the worker process, injected so tests and the worker pass their own.
// The Teleport client comes through a getter because a renewed identity replaces it; activities
// never see identity material, so none of it can reach a payload.
import type { TeleportClient } from '../../teleport/types';
import type { Logger } from '../../util/logger';
import type { AppMetrics } from '../../metrics/appMetrics';
import type { UsageLedger } from '../usageLedger';

export interface ActivityDeps {
  teleport: () => TeleportClient;
  log: Logger;
  metrics?: AppMetrics;
  /** Where budgets' use is kept (the ledger workflows); needed once the policy has budgets. */
  ledger?: UsageLedger;
  /** The clock evaluations use; tests may pin it. */
  now?: () => Date;
  /**
   * The Temporal server's cap on one search attribute value, when known to be above Temporal's
   * default (the embedded dev server's, which the service sets): sweeps index in larger chunks.
   */
  searchAttributeValueLimit?: number;
}
