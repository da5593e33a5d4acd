import { stringify as losslessStringify } from 'lossless-json';
import type { AirbyteState } from './protocol.js';

/**
 * Serializes a STATE message for echoing: the state exactly as received (same keys, same order, every number
 * with its original digits; `id`, `sourceStats` and unknown keys kept) with `destinationStats` set.
 * Returns one JSON line without the trailing newline.
 */
export function serializeState(state: AirbyteState, recordCount: number, rejectedRecordCount: number): string {
  const echoed = { ...state, destinationStats: { recordCount, rejectedRecordCount } };
  return losslessStringify({ type: 'STATE', state: echoed }) as string;
}
