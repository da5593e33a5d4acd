import { isInteger, isSafeNumber, parse as losslessParse } from 'lossless-json';
import type { Readable } from 'node:stream';
import { splitLineBatches, type LineBatch } from './lines.js';
import type { AirbyteRecord, AirbyteState } from './protocol.js';

/**
 * One input line, classified. RECORD and STATE are what a destination acts on; everything else
 * (TRACE stream statuses, LOG, CONTROL, unknown types) is `other` and ignored. A line that is not an Airbyte message
 * (not JSON, not an object, a RECORD without stream, a STATE of no known shape, a last line cut off) is `invalid`,
 * with `problem` completing "Input line N ..." (never quoting the line): the sync ends there.
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
  | { kind: 'invalid'; line: number; problem: string };

/** Longest input line accepted (UTF-8 bytes). A longer line ends the run with a clear error instead of exhausting memory. */
export const MAX_LINE_LENGTH = 64 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects read through lossless-json (every STATE; records holding both an unsafe
 * integer and a `\u0000` escape), whose parser recurses: about 4,500 levels overflow the stack. A RECORD nested deeper
 * there is rejected (counted, with a reason); a STATE ends the sync. Other lines are parsed by `JSON.parse`, which
 * does not recurse, at any depth.
 */
export const MAX_NESTING_DEPTH = 1000;

/** Reason of a record rejected for nesting deeper than {@link MAX_NESTING_DEPTH}. */
export const TOO_DEEP = `record nested deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects (with an integer beyond 2^53 and a \\u0000 escape)`;

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

/**
 * Replaces the marker strings of `value` (at any depth: iterative, so no nesting overflows the stack) by bigint, in
 * place; stops after `count` of them.
 */
function reviveMarkers(value: unknown, count: number): unknown {
  if (typeof value === 'string') return value.charCodeAt(0) === 0 ? BigInt(value.slice(1)) : value;
  if (value === null || typeof value !== 'object') return value;
  const stack: object[] = [value];
  while (stack.length > 0 && count > 0) {
    const node = stack.pop() as Record<string | number, unknown>;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && count > 0; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') {
          if (v.charCodeAt(0) === 0) {
            node[i] = BigInt(v.slice(1));
            count--;
          }
        } else if (v !== null && typeof v === 'object') stack.push(v);
      }
      continue;
    }
    for (const k in node) {
      if (count === 0) break;
      const v = node[k];
      if (typeof v === 'string') {
        if (v.charCodeAt(0) === 0) {
          node[k] = BigInt(v.slice(1));
          count--;
        }
      } else if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return value;
}

/**
 * True when `text` (valid JSON or not) nests arrays and objects deeper than `max` outside strings. One pass, no
 * allocation.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return false;
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
  if (text.includes('\\u0000')) {
    if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) throw new NestingTooDeep();
    return losslessParse(text, null, { parseNumber: parseNumberKeepingIntegers, onDuplicateKey: lastKeyWins });
  }
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
  return reviveMarkers(value, replaced);
}

/** Thrown by {@link parseKeepingBigIntegers} for a line nested deeper than {@link MAX_NESTING_DEPTH}. */
class NestingTooDeep extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What is wrong with the shape of a STATE's `state`, completing "Input line N is a STATE ...", or undefined when it
 * has a known shape (Airbyte protocol, AirbyteStateMessage): STREAM with `stream.stream_descriptor.name`, GLOBAL with
 * a `global` object, LEGACY or no type (the legacy `data` state).
 */
export function stateShapeProblem(state: unknown): string | undefined {
  if (!isObject(state)) return 'whose "state" is not a JSON object';
  const type = state.type;
  if (type === undefined || type === null || type === 'LEGACY') return undefined;
  if (type === 'STREAM') {
    const stream = state.stream;
    const d = isObject(stream) ? stream.stream_descriptor : undefined;
    if (!isObject(d) || typeof d.name !== 'string' || d.name === '') return 'of type STREAM without stream.stream_descriptor.name';
    if (d.namespace !== undefined && d.namespace !== null && typeof d.namespace !== 'string') return 'of type STREAM whose stream_descriptor.namespace is not a string';
    return undefined;
  }
  if (type === 'GLOBAL') return isObject(state.global) ? undefined : 'of type GLOBAL without a "global" object';
  return 'of an unknown type (not STREAM, GLOBAL or LEGACY)';
}

/** Number parser for lossless-json: unsafe integers → bigint, everything else → number. */
function parseNumberKeepingIntegers(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/**
 * True when `value` (as `JSON.parse` returns it) holds, at any depth, an integer-valued number beyond ±(2^53 - 1):
 * the only numbers `JSON.parse` may have rounded away from their text (an integer literal of 16+ digits; also
 * `1e300` and the like, which the lossless parse then reads as the same numbers). Iterative: no nesting overflows
 * the stack. Checking the parsed values costs less than scanning every line's text for a 16-digit run: parsing
 * the bench's lines took 2.2 instead of 2.85 µs each (2026-12-06, Node 20; issue 16).
 */
function holdsUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return isUnsafeInteger(value);
  if (value === null || typeof value !== 'object') return false;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (Array.isArray(c)) {
      for (let i = 0; i < c.length; i++) {
        const x: unknown = c[i];
        if (typeof x === 'number') {
          if (isUnsafeInteger(x)) return true;
        } else if (x !== null && typeof x === 'object') stack.push(x);
      }
      continue;
    }
    const o = c as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'number') {
        if (isUnsafeInteger(x)) return true;
      } else if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return false;
}

/** An integer-valued number outside ±(2^53 - 1). */
function isUnsafeInteger(n: number): boolean {
  return !Number.isSafeInteger(n) && Number.isInteger(n);
}

/**
 * Parses one line of Airbyte input. Plain `JSON.parse`; a RECORD that then holds an integer beyond 2^53 is parsed
 * again by {@link parseKeepingBigIntegers}, which keeps every digit; every STATE is parsed again with lossless-json
 * (rare, and echoed back verbatim with every digit).
 * Never throws.
 */
export function parseInputLine(text: string, line: number): InputMessage {
  let msg: { type?: unknown; record?: unknown; state?: unknown };
  try {
    msg = JSON.parse(text) as typeof msg;
    if (isObject(msg) && msg.type === 'RECORD' && holdsUnsafeInteger(msg.record)) msg = parseKeepingBigIntegers(text) as typeof msg;
  } catch (err) {
    if (!(err instanceof NestingTooDeep)) return { kind: 'invalid', line, problem: 'is not valid JSON' };
    msg = JSON.parse(text) as typeof msg; // does not recurse; only the stream is read, the record is rejected
    const r = isObject(msg) && msg.type === 'RECORD' ? msg.record : undefined;
    if (isObject(r) && typeof r.stream === 'string') {
      return { kind: 'record', record: { ...r, data: {} } as AirbyteRecord, line, problem: TOO_DEEP };
    }
  }
  if (!isObject(msg)) return { kind: 'invalid', line, problem: 'is not a JSON object' };
  const type = typeof msg.type === 'string' ? msg.type : '';
  if (type === 'RECORD') {
    const r = msg.record as AirbyteRecord | undefined;
    if (!r || typeof r !== 'object' || typeof r.stream !== 'string') return { kind: 'invalid', line, problem: 'is a RECORD without record.stream' };
    if (typeof r.emitted_at === 'bigint') r.emitted_at = Number(r.emitted_at);
    if (r.data === null || typeof r.data !== 'object' || Array.isArray(r.data)) {
      // The stream is known, so the record is counted (as rejected) against it and no later state skips it unnoticed.
      r.data = {};
      return { kind: 'record', record: r, line, problem: 'record.data is not a JSON object' };
    }
    return { kind: 'record', record: r, line };
  }
  if (type === 'STATE') {
    if (nestsDeeperThan(text, MAX_NESTING_DEPTH)) return { kind: 'invalid', line, problem: `is a STATE nested deeper than ${MAX_NESTING_DEPTH} levels` };
    let state: unknown;
    try {
      state = (losslessParse(text, null, { onDuplicateKey: lastKeyWins }) as { state?: unknown }).state;
    } catch {
      return { kind: 'invalid', line, problem: 'is not valid JSON' };
    }
    const problem = stateShapeProblem(state);
    if (problem) return { kind: 'invalid', line, problem: `is a STATE ${problem}` };
    return { kind: 'state', state: state as AirbyteState, line };
  }
  return { kind: 'other', type: type || '(none)', line };
}

/**
 * Reads Airbyte messages from `input` (stdin) line by line (see {@link splitLineBatches}: linear in the input), one
 * synchronous iterable per chunk of input: each of its lines is parsed when the consumer reaches it, and the next
 * chunk is read only when the consumer asks for the next iterable (back-pressure). The write loop thus handles a
 * chunk's records without an async step per record (promises and microtask turns were a measurable share of the time
 * per record; issue 16). Lines end with "\n" or "\r\n"; empty and whitespace-only lines are skipped (but counted in
 * `line`); a UTF-8 byte order mark before the first line is ignored. A last line without a line break is read like
 * any other when it is a complete message; otherwise it is `invalid` ("was cut off").
 *
 * @throws LineTooLongError (an InputError) when a line is longer than {@link MAX_LINE_LENGTH}; the error `input` emits
 */
export async function* readMessageBatches(input: Readable): AsyncGenerator<Iterable<InputMessage>> {
  // destroyOnReturn false: a consumer that stops early (a fatal error) leaves stdin alone, as the platform expects.
  for await (const batch of splitLineBatches(input.iterator({ destroyOnReturn: false }), MAX_LINE_LENGTH)) yield messagesOf(batch);
}

/** The messages of one batch of lines, each parsed when it is reached. */
function* messagesOf(batch: LineBatch): Generator<InputMessage> {
  for (let i = 0; i < batch.length; i++) {
    const raw = batch.text(i);
    const line = batch.line(i);
    const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.length === 0 || text.trim().length === 0) continue;
    const msg = parseInputLine(text, line);
    if (msg.kind === 'invalid' && !batch.terminated(i)) yield { kind: 'invalid', line, problem: 'was cut off: the input ended in the middle of it' };
    else yield msg;
  }
}
