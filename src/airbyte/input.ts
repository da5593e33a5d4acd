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
  | { kind: 'record'; record: AirbyteRecord; line: number; problem?: string }
  | { kind: 'state'; state: AirbyteState; line: number }
  | { kind: 'other'; type: string; line: number }
  | { kind: 'invalid'; line: number; reason: string };

/** Longest input line accepted (bytes of text). Longer lines end the run with a clear error instead of exhausting memory. */
export const MAX_LINE_LENGTH = 64 * 1024 * 1024;

/** A digit run this long may be an integer beyond 2^53 (9007199254740992 has 16 digits). */
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Duplicate keys: the last value wins, as with `JSON.parse` (and the platform's Jackson). lossless-json would
 * otherwise throw, and a STATE with a duplicate key would be dropped as invalid and never echoed.
 */
const lastKeyWins = ({ newValue }: { newValue: unknown }): unknown => newValue;

/** Every maximal run of 16+ digits (candidates for {@link parseKeepingBigIntegers}). */
const LONG_DIGIT_RUNS = /\d{16,}/g;

/**
 * JSON text that starts the string standing for an unsafe integer while `JSON.parse` runs: the escape `\u0000`, which
 * parses to a NUL character (the only way valid JSON can hold one, so a line without that escape holds no such string).
 */
const MARKER_JSON = '"\\u0000';

/** Replaces the marker strings of `value` (at any depth) by bigint, in place; stops after `count` of them. */
function reviveMarkers(value: unknown, count: { n: number }): unknown {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) === 0) {
      count.n--;
      return BigInt(value.slice(1));
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && count.n > 0; i++) {
      const v = value[i];
      if (typeof v === 'string' ? v.charCodeAt(0) === 0 : v !== null && typeof v === 'object') value[i] = reviveMarkers(v, count);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    if (count.n === 0) break;
    const v = obj[k];
    if (typeof v === 'string' ? v.charCodeAt(0) === 0 : v !== null && typeof v === 'object') obj[k] = reviveMarkers(v, count);
  }
  return value;
}

/**
 * `JSON.parse` of a line that has a 16+ digit run, with integers beyond ±(2^53 - 1) as bigint and every other number
 * as `JSON.parse` gives it (the result lossless-json gives with unsafe integers → bigint, at a fraction of the cost).
 *
 * Each 16+ digit run is checked once: whether it lies inside a string (quotes are followed from the previous run on,
 * a quote preceded by an odd number of backslashes inside a string does not close it), and whether it is a whole
 * integer literal (not the fraction or exponent of a number: no `.`, `e`, `E`, `+` before it or `e-`/`E-`, no `.`,
 * `e`, `E` after it). Each such literal that is not a safe integer is rewritten as the JSON string
 * `"\u0000<literal>"`, the text is parsed with `JSON.parse`, and those strings are turned back into bigint.
 * Invalid JSON stays invalid: a literal with a leading zero, or followed by `:` (a number in a key position, where a
 * string would be valid), is left as it is. A line that already holds a `\u0000` escape goes to lossless-json.
 */
function parseKeepingBigIntegers(text: string): unknown {
  if (text.includes('\\u0000')) return losslessParse(text, null, { parseNumber: parseNumberKeepingIntegers, onDuplicateKey: lastKeyWins });
  LONG_DIGIT_RUNS.lastIndex = 0;
  let out = '';
  let from = 0; // text before this index is already in `out`
  let replaced = 0;
  let inString = false; // lexer state at `pos`
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = LONG_DIGIT_RUNS.exec(text)) !== null) {
    const runStart = m.index;
    const runEnd = runStart + m[0].length;
    for (let q = text.indexOf('"', pos); q !== -1 && q < runStart; q = text.indexOf('"', pos)) {
      pos = q + 1;
      if (!inString) {
        inString = true;
        continue;
      }
      let backslashes = 0;
      while (text.charCodeAt(q - 1 - backslashes) === 92 /* \ */) backslashes++;
      if (backslashes % 2 === 0) inString = false;
    }
    pos = runStart;
    if (inString) continue;
    let start = runStart;
    const before = text.charCodeAt(runStart - 1);
    if (before === 45 /* - */) {
      const c = text.charCodeAt(runStart - 2);
      if (c === 101 || c === 69 /* e E: a negative exponent */) continue;
      start--;
    } else if (before === 46 || before === 101 || before === 69 || before === 43 /* . e E + */) continue;
    const after = text.charCodeAt(runEnd);
    if (after === 46 || after === 101 || after === 69 /* . e E */) continue;
    if (text.charCodeAt(runStart) === 48 /* 0: a leading zero, invalid JSON */) continue;
    const literal = text.slice(start, runEnd);
    if (Number.isSafeInteger(Number(literal))) continue;
    let next = runEnd;
    for (let c = text.charCodeAt(next); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++next));
    if (text.charCodeAt(next) === 58 /* : */) continue;
    out += `${text.slice(from, start)}${MARKER_JSON}${literal}"`;
    from = runEnd;
    replaced++;
  }
  if (replaced === 0) return JSON.parse(text);
  const value: unknown = JSON.parse(out + text.slice(from));
  return reviveMarkers(value, { n: replaced });
}

/** Number parser for lossless-json: unsafe integers → bigint, everything else → number. */
function parseNumberKeepingIntegers(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/**
 * Parses one line of Airbyte input. Plain `JSON.parse` for the common case; lines that contain a 16+ digit run go
 * through {@link parseKeepingBigIntegers}; every STATE is parsed again with lossless-json (rare, and echoed back
 * verbatim with every digit).
 * Never throws.
 */
export function parseInputLine(text: string, line: number): InputMessage {
  let msg: { type?: unknown; record?: unknown; state?: unknown };
  try {
    msg = (LONG_DIGIT_RUN.test(text) ? parseKeepingBigIntegers(text) : JSON.parse(text)) as typeof msg;
  } catch {
    return { kind: 'invalid', line, reason: 'not valid JSON' };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return { kind: 'invalid', line, reason: 'not a JSON object' };
  const type = typeof msg.type === 'string' ? msg.type : '';
  if (type === 'RECORD') {
    const r = msg.record as AirbyteRecord | undefined;
    if (!r || typeof r !== 'object' || typeof r.stream !== 'string') return { kind: 'invalid', line, reason: 'RECORD without record.stream' };
    if (typeof r.emitted_at === 'bigint') r.emitted_at = Number(r.emitted_at);
    if (r.data === null || typeof r.data !== 'object' || Array.isArray(r.data)) {
      // The stream is known, so the record is counted (as rejected) against it and no later state skips it unnoticed.
      r.data = {};
      return { kind: 'record', record: r, line, problem: 'record.data is not a JSON object' };
    }
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
 * Reads Airbyte messages from `input` (stdin) line by line with split2, with back-pressure: the stream is only
 * read as fast as the consumer of this async iterator asks for messages. Lines end with "\n" or "\r\n"; empty
 * and whitespace-only lines are skipped (but counted in `line`); a UTF-8 byte order mark before the first line is
 * ignored.
 *
 * @throws Error when a line is longer than {@link MAX_LINE_LENGTH}, or the error `input` emits.
 */
export async function* readMessages(input: Readable): AsyncGenerator<InputMessage> {
  const lines = input.pipe(split2({ maxLength: MAX_LINE_LENGTH }));
  const onInputError = (err: Error): void => {
    lines.destroy(err);
  };
  input.on('error', onInputError);
  let n = 0;
  try {
    for await (const raw of lines as AsyncIterable<string>) {
      n++;
      const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.length === 0 || text.trim().length === 0) continue;
      yield parseInputLine(text, n);
    }
  } finally {
    // The consumer may stop early (a fatal error, a cancel). Detach cleanly so that input still flowing into the
    // destroyed splitter cannot raise an unhandled 'error' (which would end the process mid-write).
    input.off('error', onInputError);
    input.unpipe(lines);
    lines.on('error', () => undefined);
    lines.destroy();
  }
}
