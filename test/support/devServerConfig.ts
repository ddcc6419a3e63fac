// The dynamic config of the dev server the tests share (scripts/test.ts starts it; a test file
// run alone starts its own, test/support/temporal.ts).
import {
  EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT,
  SEARCH_ATTRIBUTE_VALUE_LIMIT_KEY,
} from '../../src/app/embeddedTemporal';

export const TEST_DEV_SERVER_CONFIG = {
  // Small enough that tests exercise continue-as-new; real deployments keep Temporal's default.
  'limit.historyCount.suggestContinueAsNew': 400,
  // The embedded dev server's cap, so a test can run sweeps the way `run` does with it
  // (StackOptions.searchAttributeValueLimit); workers told nothing keep to Temporal's default.
  [SEARCH_ATTRIBUTE_VALUE_LIMIT_KEY]: EMBEDDED_SEARCH_ATTRIBUTE_VALUE_LIMIT,
};
