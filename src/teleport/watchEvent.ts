// Converts WatchEvents stream messages into typed events. Kinds jit-watcher does not use are
// dropped here (returning undefined) rather than surfacing half-decoded resources.
import { accessRequestFromWire, lockFromWire } from './convert';
import type { WatchEvent } from './types';
import type { Event__Output } from './generated/proto/Event';

export function eventFromWire(wire: Event__Output): WatchEvent | undefined {
  switch (wire.Type ?? 'INIT') {
    case 'INIT':
      return {
        type: 'init',
        kinds: (wire.WatchStatus?.Spec?.Kinds ?? []).map((k) => k.Kind ?? ''),
      };
    case 'PUT':
      if (wire.AccessRequest) {
        return {
          type: 'put',
          kind: 'access_request',
          request: accessRequestFromWire(wire.AccessRequest),
        };
      }
      if (wire.Lock) return { type: 'put', kind: 'lock', lock: lockFromWire(wire.Lock) };
      return undefined;
    case 'DELETE': {
      const header = wire.ResourceHeader ?? wire.AccessRequest ?? wire.Lock;
      return { type: 'delete', kind: header?.Kind ?? '', name: header?.Metadata?.Name ?? '' };
    }
    default:
      return undefined;
  }
}
