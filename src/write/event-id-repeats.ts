/**
 * Detects event_ids that repeat within one sync. Pinterest de-duplicates events with the same event_id, so a
 * repeated id usually means the column feeding event_id is not unique per conversion (a customer id, a product id)
 * and real conversions are being dropped as duplicates.
 *
 * Memory is bounded and grows with the sync, not ahead of it: ids are remembered as 52-bit hashes in an
 * open-addressing table (a Float64Array) that is allocated by the first event with {@link EVENT_ID_FIRST_SLOTS}
 * slots (32 KiB), doubles whenever it is half full, and stops growing at {@link EVENT_ID_MAX_SLOTS} slots (2 MiB),
 * which remember {@link EVENT_ID_MAX_REMEMBERED} distinct ids. Behaviour at the edges:
 * - false negatives: once that many distinct ids are remembered, new ids are no longer remembered, so a repeat of
 *   an id first seen after that point is not found (repeats of the remembered ones still are);
 * - false positives: two different ids count as a repeat only when their 52-bit hashes collide, about 1 in
 *   2^52 / 131,072 ≈ 3.4 × 10^10 per id at a full table, i.e. practically never.
 * Nothing of the id itself is kept or logged.
 *
 * An event_id the connector derived is already the hex of a SHA-256 (`deriveEventId`), so its own first 52 bits
 * are the key and it is not hashed again (about 2 µs per event saved); an id from the record is hashed. A record's
 * id written exactly like a derived one is therefore not matched with that derived one (two different ids' keys).
 */
import { sha256Hex } from '../mapping/hash.js';

/** Slots of the table when the first event arrives (a power of two): 2^12 × 8 bytes = 32 KiB. */
export const EVENT_ID_FIRST_SLOTS = 1 << 12;
/**
 * Largest table (a power of two): 2^18 × 8 bytes = 2 MiB, reached by a sync's 65,536th distinct id. Kept small so that
 * peak memory is the same for 100,000 and 1,000,000 records (issue 16: flat in N): a column that is not unique per
 * conversion repeats within its first 131,072 ids, so a larger table would find few repeats this one misses.
 */
export const EVENT_ID_MAX_SLOTS = 1 << 18;
/** Distinct event_ids remembered per sync: half the largest table, so probe runs stay short. */
export const EVENT_ID_MAX_REMEMBERED = EVENT_ID_MAX_SLOTS / 2;

/** Where a repeat was seen: stream label and 1-based record position (never the id). */
export interface RepeatSite {
  stream: string;
  record: number;
}

/** See the module docstring. */
export class EventIdRepeats {
  /** Keys are 52-bit hashes + 1 (0 marks an empty slot); a key's home slot is its low bits. */
  private table: Float64Array | undefined;
  private remembered = 0;
  /** Events whose event_id was already sent earlier in this sync. */
  repeats = 0;
  /** The first repeat seen. */
  first: RepeatSite | undefined;

  /** Bytes the table holds now (0 before the first event). */
  get tableBytes(): number {
    return this.table?.byteLength ?? 0;
  }

  /**
   * Notes one event_id of record `record` (1-based) of stream `stream` (its label); returns true when the id was seen
   * before in this sync. The id is hashed (SHA-256, first 52 bits; one-shot `crypto.hash`), never stored; `derived`
   * (the connector made the id: 32 hex characters of a SHA-256) takes its own first 52 bits instead.
   */
  observe(eventId: string, stream: string, record: number, derived = false): boolean {
    const hex = derived ? eventId : sha256Hex(eventId);
    // 52 bits as a float (13 hex digits, +1 so that 0 marks an empty slot), read as 20 high and 32 low bits: the
    // home slot is then the low bits' own low bits, with no float remainder (`%` on a float calls fmod).
    const low = Number.parseInt(hex.slice(5, 13), 16);
    const key = Number.parseInt(hex.slice(0, 5), 16) * 2 ** 32 + low + 1;
    const table = (this.table ??= new Float64Array(EVENT_ID_FIRST_SLOTS));
    const slot = findSlot(table, key, low);
    if (table[slot] === key) {
      this.repeats++;
      this.first ??= { stream, record };
      return true;
    }
    if (this.remembered >= EVENT_ID_MAX_REMEMBERED) return false;
    table[slot] = key;
    this.remembered++;
    if (this.remembered * 2 >= table.length && table.length < EVENT_ID_MAX_SLOTS) this.table = grown(table);
    return false;
  }
}

/**
 * The slot holding `key`, or the empty slot where it would go: linear probing from its home slot, the low bits of
 * `low` (key - 1's low 32 bits; right for tables of up to 2^31 slots, as `&` is signed 32-bit arithmetic).
 */
function findSlot(table: Float64Array, key: number, low: number): number {
  const mask = table.length - 1;
  let slot = low & mask;
  for (;;) {
    const v = table[slot];
    if (v === key || v === 0) return slot;
    slot = (slot + 1) & mask;
  }
}

/** A table of twice the slots holding the same keys. */
function grown(table: Float64Array): Float64Array {
  const next = new Float64Array(table.length * 2);
  for (const key of table) if (key !== 0) next[findSlot(next, key, (key - 1) % 2 ** 32)] = key;
  return next;
}
