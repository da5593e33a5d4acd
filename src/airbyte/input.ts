import split2 from 'split2';
import { isInteger, isSafeNumber, parse as losslessParse } from 'lossless-json';
import type { Readable } from 'node:stream';
import type { AirbyteRecord, AirbyteState } from './protocol.js';

/**
 * One input line, classified. RECORD and STATE are what a destination acts on; everything else
 * (TRACE stream statuses, LOG, unknown types) is `other` and ignored; a line that is not JSON is `invalid`.
 *
 * - `record.data` may hold `bigint` values: integers beyond ±2^53 are parsed losslessly so no digit of an
 *   order id or customer id is lost.
 * - `state` is parsed with lossless numbers (`LosslessNumber` objects) so that it can be echoed with every
 *   digit exactly as received; use {@link serializeState} to print it.
 */
export type InputMessage =
  | { kind: 'record'; record: AirbyteRecord; line: number }
  | { kind: 'state'; state: AirbyteState; line: number }
  | { kind: 'other'; type: string; line: number }
  | { kind: 'invalid'; line: number; reason: string };

/** Longest input line accepted (bytes of text). Longer lines end the run with a clear error instead of exhausting memory. */
export const MAX_LINE_LENGTH = 64 * 1024 * 1024;

/** A digit run this long may be an integer beyond 2^53 (9007199254740992 has 16 digits). */
const LONG_DIGIT_RUN = /\d{16}/;

/** Number parser for lossless-json: unsafe integers → bigint, everything else → number. */
function parseNumberKeepingIntegers(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/**
 * Duplicate keys: the last value wins, as with `JSON.parse` (and the platform's Jackson). lossless-json would
 * otherwise throw, and a STATE with a duplicate key would be dropped as invalid and never echoed.
 */
const lastKeyWins = ({ newValue }: { newValue: unknown }): unknown => newValue;

/**
 * Parses one line of Airbyte input. Plain `JSON.parse` for the common case; the lossless parser only for
 * lines that contain a 16+ digit run (records) and for every STATE (rare, and echoed back verbatim).
 * Never throws.
 */
export function parseInputLine(text: string, line: number): InputMessage {
  let msg: { type?: unknown; record?: unknown; state?: unknown };
  try {
    msg = LONG_DIGIT_RUN.test(text)
      ? (losslessParse(text, null, { parseNumber: parseNumberKeepingIntegers, onDuplicateKey: lastKeyWins }) as typeof msg)
      : (JSON.parse(text) as typeof msg);
  } catch {
    return { kind: 'invalid', line, reason: 'not valid JSON' };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return { kind: 'invalid', line, reason: 'not a JSON object' };
  const type = typeof msg.type === 'string' ? msg.type : '';
  if (type === 'RECORD') {
    const r = msg.record as AirbyteRecord | undefined;
    if (!r || typeof r !== 'object' || typeof r.stream !== 'string') return { kind: 'invalid', line, reason: 'RECORD without record.stream' };
    if (r.data === null || typeof r.data !== 'object' || Array.isArray(r.data)) {
      return { kind: 'invalid', line, reason: 'RECORD without an object in record.data' };
    }
    if (typeof r.emitted_at === 'bigint') r.emitted_at = Number(r.emitted_at);
    return { kind: 'record', record: r, line };
  }
  if (type === 'STATE') {
    let state: unknown;
    try {
      state = (losslessParse(text, null, { onDuplicateKey: lastKeyWins }) as { state?: unknown }).state;
    } catch {
      return { kind: 'invalid', line, reason: 'not valid JSON' };
    }
    if (!state || typeof state !== 'object') return { kind: 'invalid', line, reason: 'STATE without a state object' };
    return { kind: 'state', state: state as AirbyteState, line };
  }
  return { kind: 'other', type: type || '(none)', line };
}

/**
 * Reads Airbyte messages from `input` (stdin) line by line, with back-pressure: the stream is only read
 * as fast as the consumer of this async iterator asks for messages. Empty lines are skipped.
 *
 * @throws Error when a line is longer than {@link MAX_LINE_LENGTH}.
 */
export async function* readMessages(input: Readable): AsyncGenerator<InputMessage> {
  const lines = input.pipe(split2({ maxLength: MAX_LINE_LENGTH }));
  input.on('error', (err) => lines.destroy(err));
  let n = 0;
  for await (const text of lines as AsyncIterable<string>) {
    n++;
    if (text.length === 0 || text.trim().length === 0) continue;
    yield parseInputLine(text, n);
  }
}
