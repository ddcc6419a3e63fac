// The one place that knows how the SDK's core records a local activity in history: a marker event
// named `core_local_activity` whose details hold `data` (JSON naming the activity type) and
// `result` (the activity's return value), with a failure beside them when it failed. This is SDK
// internals, not API: test/unit/temporal/localActivityMarker.test.ts reads recorded histories
// with it, so an SDK upgrade that changes the format fails a test instead of emptying the audit.
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayload[] | null | undefined;

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface LocalActivityRecord {
  /** The activity's type, e.g. `approveRequest`. */
  type: string;
  result?: unknown;
  failure?: temporal.api.failure.v1.IFailure;
}

/** The local activity an event records, or undefined for any other event. */
export function readLocalActivityMarker(event: HistoryEvent): LocalActivityRecord | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  const data = firstPayload(marker.details?.data?.payloads) as { activity_type?: unknown };
  return {
    type: typeof data?.activity_type === 'string' ? data.activity_type : '',
    result: firstPayload(marker.details?.result?.payloads),
    ...(marker.failure ? { failure: marker.failure } : {}),
  };
}

export function firstPayload(payloads: Payloads): unknown {
  const [first] = payloads ?? [];
  return first ? defaultPayloadConverter.fromPayload(first) : undefined;
}
