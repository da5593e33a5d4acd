/**
 * Deterministic event ids.
 *
 * Airbyte delivers at least once (an attempt that fails is resent from the last echoed state), and
 * `event_id` is Pinterest's dedup key, so a row must yield the same id on every attempt and every run.
 */
import { createHash, hash, type Hash } from 'node:crypto';

/**
 * Canonical JSON text of a record value, identical for equal data whatever the key order:
 * object keys sorted by UTF-16 code units; keys whose value is `undefined` (or a function/symbol) omitted;
 * strings escaped as `JSON.stringify` does; finite numbers as `JSON.stringify` writes them (`5.0` and `5`
 * are one number); bigint as its digits (so `12345678901234567890` reads the same whether the parser
 * produced a bigint or the source text had it); non-finite numbers as `null`; `Date` as its ISO text.
 * Arrays keep their order; `undefined` array elements are written `null`.
 *
 * Iterative (an explicit stack instead of recursion): a record nested tens of thousands of levels deep, which
 * `JSON.parse` reads without trouble, gets its id like any other instead of overflowing the call stack.
 */
export function canonicalJson(value: unknown): string {
  return canonicalJsonInto(value, undefined);
}

/**
 * Text past which {@link canonicalJsonSha256Hex} hashes what it has written and starts a new piece (UTF-16 code
 * units): a record of 100,000 fields or a 5 MB value is hashed piece by piece instead of as one string.
 */
const HASH_PIECE_LENGTH = 1 << 16;

/**
 * The SHA-256 (lowercase hex) of the UTF-8 bytes of {@link canonicalJson}(`value`), without building the whole text
 * for a large value: pieces of about {@link HASH_PIECE_LENGTH} code units are fed to one hash as they are written,
 * so memory stays bounded by the piece, not by the record. Small values (every ordinary record) are hashed in one
 * call (one-shot `crypto.hash`, Node >= 20.12). Same digest either way.
 */
export function canonicalJsonSha256Hex(value: unknown): string {
  pieceHash = undefined;
  const rest = canonicalJsonInto(value, hashPiece);
  const h = pieceHash as Hash | undefined; // set by hashPiece during the walk (TypeScript cannot see it)
  pieceHash = undefined;
  return h === undefined ? hash('sha256', rest, 'hex') : h.update(rest, 'utf8').digest('hex');
}

/**
 * The hash of {@link canonicalJsonSha256Hex} while it is fed pieces (created by the first piece). Module state and a
 * module function instead of a closure per call: an ordinary record's derived event_id allocates nothing for it.
 */
let pieceHash: Hash | undefined;
function hashPiece(piece: string): void {
  (pieceHash ??= createHash('sha256')).update(piece, 'utf8');
}

/**
 * The walk of {@link canonicalJson}. With `flush`, the text written so far is handed to it whenever it reaches
 * {@link HASH_PIECE_LENGTH} code units (never inside a surrogate pair: pieces end after a whole scalar, bracket or
 * key) and the rest is returned; without, the whole text is returned.
 */
function canonicalJsonInto(value: unknown, flush: ((piece: string) => void) | undefined): string {
  let s = '';
  const stack: Container[] = [];
  let next: unknown = value;
  for (;;) {
    if (flush !== undefined && s.length >= HASH_PIECE_LENGTH) {
      flush(s);
      s = '';
    }
    const scalar = scalarJson(next);
    if (scalar !== undefined) s += scalar;
    else if (Array.isArray(next)) {
      s += '[';
      stack.push({ items: next, keys: undefined, i: 0 });
    } else {
      s += '{';
      const obj = next as Record<string, unknown>;
      stack.push({ items: obj, keys: Object.keys(obj).sort(), i: 0 });
    }
    // Find the next value to write, closing every container that has none left.
    let found = false;
    while (!found && stack.length > 0) {
      const c = stack[stack.length - 1];
      if (c.keys === undefined) {
        const items = c.items as readonly unknown[];
        if (c.i < items.length) {
          if (c.i > 0) s += ',';
          next = items[c.i++];
          found = true;
        } else {
          s += ']';
          stack.pop();
        }
        continue;
      }
      const obj = c.items as Record<string, unknown>;
      while (c.i < c.keys.length) {
        const k = c.keys[c.i++];
        const v = obj[k];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        s += `${c.wrote ? ',' : ''}${JSON.stringify(k)}:`;
        c.wrote = true;
        next = v;
        found = true;
        break;
      }
      if (!found) {
        s += '}';
        stack.pop();
      }
    }
    if (!found) return s;
  }
}

/** An array (keys undefined) or object (keys sorted) being written by {@link canonicalJson}; `i` is the next item. */
interface Container {
  items: readonly unknown[] | Record<string, unknown>;
  keys: string[] | undefined;
  i: number;
  /** An object has written at least one member (the next one needs a comma). */
  wrote?: boolean;
}

/** The canonical text of a value that is not an array or plain object (see {@link canonicalJson}); else undefined. */
function scalarJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return undefined;
    default:
      return 'null'; // undefined, function, symbol: as the array elements they can only be here
  }
}

/** Length of derived ids: 32 lowercase hex characters (the first 128 bits of the SHA-256 digest). */
export const DERIVED_EVENT_ID_LENGTH = 32;

/** Inputs of {@link deriveEventId}; each already normalized by the mapper. */
export interface EventIdInputs {
  /** Stream namespace; `undefined` when the stream has none. */
  namespace: string | undefined;
  /** Stream name. */
  stream: string;
  /** The Pinterest event name sent (after mapping), e.g. `checkout`. */
  eventName: string;
  /** Values at the catalog's primary-key paths, in key order (`undefined` where missing); omit when no primary key. */
  primaryKeyValues?: readonly unknown[];
  /** `custom_data.order_id` as sent, if any. */
  orderId?: string;
  /** `event_time` (Unix seconds) when it came from the record; `undefined` when it fell back to emitted_at. */
  eventTimeFromRecord?: number;
  /** The record's `data`, used only by the last rule. */
  data: Record<string, unknown>;
}

/** Which rule produced a derived id (for tests and diagnostics). */
export type EventIdRule = 'primary_key' | 'order_id' | 'record';

/**
 * Derives an event id when the record maps none. The id is the first 32 hex characters of SHA-256 over
 * the UTF-8 bytes of the canonical JSON ({@link canonicalJson}) of an array chosen by the first rule that
 * applies:
 *
 * 1. the stream has a primary key and at least one key value is present (not null/undefined):
 *    `["pk", namespace, stream, event_name, [pk values...]]`;
 * 2. the record has an `order_id`:
 *    `["order", namespace, stream, event_name, order_id, event_time]` (event_time is `null` when it was
 *    not read from the record, because emitted_at changes between attempts);
 * 3. otherwise the whole record: `["record", namespace, stream, event_name, data]`, where top-level keys
 *    starting with `_airbyte_` (per-extraction metadata such as `_airbyte_raw_id` or `_airbyte_extracted_at`
 *    in tables written by Airbyte) are left out so that re-reading the same row gives the same id.
 *
 * `namespace` is `null` when the stream has none. Values enter as read from the record (numbers, bigints
 * and strings are distinct: `1` and `"1"` give different ids). The rule is stable across runs and
 * versions: changing it would re-send duplicates, so treat it as a public contract.
 */
export function deriveEventId(inputs: EventIdInputs): { id: string; rule: EventIdRule } {
  const ns = inputs.namespace ?? null;
  let payload: unknown[];
  let rule: EventIdRule;
  const pk = inputs.primaryKeyValues;
  if (pk !== undefined && pk.length > 0 && pk.some((v) => v !== undefined && v !== null)) {
    rule = 'primary_key';
    payload = ['pk', ns, inputs.stream, inputs.eventName, pk.map((v) => (v === undefined ? null : v))];
  } else if (inputs.orderId !== undefined) {
    rule = 'order_id';
    payload = ['order', ns, inputs.stream, inputs.eventName, inputs.orderId, inputs.eventTimeFromRecord ?? null];
  } else {
    rule = 'record';
    payload = ['record', ns, inputs.stream, inputs.eventName, withoutAirbyteMetadata(inputs.data)];
  }
  const id = canonicalJsonSha256Hex(payload).slice(0, DERIVED_EVENT_ID_LENGTH);
  return { id, rule };
}

/** Shallow copy of `data` without top-level `_airbyte_*` keys; `data` itself when it has none. */
function withoutAirbyteMetadata(data: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(data);
  if (!keys.some((k) => k.startsWith('_airbyte_'))) return data;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (!k.startsWith('_airbyte_')) out[k] = data[k];
  return out;
}
