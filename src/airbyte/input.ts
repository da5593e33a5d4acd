import { isInteger, isSafeNumber, parse as losslessParse } from 'lossless-json';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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
 * as fast as the consumer of this async iterator asks for messages. Lines end with "\n" or "\r\n"; empty and
 * whitespace-only lines are skipped (but counted in `line`). UTF-8 is decoded across chunk boundaries.
 *
 * Lines are split here rather than by a line-splitting Transform stream: that pushed every line through the
 * stream machinery and an extra async iterator (about 3 µs per line, a tenth of the per-record cost), and a long
 * line is collected in pieces so that a multi-megabyte line costs linear time.
 *
 * @throws Error when a line is longer than {@link MAX_LINE_LENGTH}, or the error `input` emits.
 */
export async function* readMessages(input: Readable): AsyncGenerator<InputMessage> {
  const decoder = new StringDecoder('utf8');
  const tooLong = (): Error => new Error(`input line longer than ${MAX_LINE_LENGTH} characters`);
  /** Pieces of the current, unfinished line (a chunk without a newline is not scanned again). */
  let pieces: string[] = [];
  let pending = 0;
  let n = 0;
  function* lines(text: string): Generator<InputMessage> {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      let line = text.slice(start, nl);
      start = nl + 1;
      if (pieces.length > 0) {
        pieces.push(line);
        line = pieces.join('');
        pieces = [];
        pending = 0;
      }
      n++;
      if (line.length > MAX_LINE_LENGTH) throw tooLong();
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line.length === 0 || line.trim().length === 0) continue;
      yield parseInputLine(line, n);
    }
    if (start < text.length) {
      pieces.push(start === 0 ? text : text.slice(start));
      pending += text.length - start;
      if (pending > MAX_LINE_LENGTH) throw tooLong();
    }
  }
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    yield* lines(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* lines(decoder.end() + '\n');
}
