/**
 * Detects event_ids that repeat within one sync. Pinterest de-duplicates events with the same event_id, so a
 * repeated id usually means the column feeding event_id is not unique per conversion (a customer id, a product id)
 * and real conversions are being dropped as duplicates.
 *
 * Memory is bounded: ids are remembered as 52-bit hashes in a fixed open-addressing table of
 * {@link EVENT_ID_TABLE_SLOTS} slots (8 MiB, a Float64Array allocated on first use), filled to at most
 * {@link EVENT_ID_MAX_REMEMBERED} distinct ids per sync. After that, new ids are no longer remembered (repeats of the
 * ones already remembered are still found). A false repeat needs a 52-bit hash collision: about 1 in 2^52/10^6 per id
 * at a full table, i.e. practically never. Nothing of the id itself is kept or logged.
 */
import { hash } from 'node:crypto';

/** Slots of the table (a power of two): 2^20 × 8 bytes = 8 MiB. */
export const EVENT_ID_TABLE_SLOTS = 1 << 20;
/** Distinct event_ids remembered per sync (half the slots, so probing stays short). */
export const EVENT_ID_MAX_REMEMBERED = EVENT_ID_TABLE_SLOTS / 2;

/** Where a repeat was seen: stream label and 1-based record position (never the id). */
export interface RepeatSite {
  stream: string;
  record: number;
}

/** See the module docstring. */
export class EventIdRepeats {
  private table: Float64Array | undefined;
  private remembered = 0;
  /** Events whose event_id was already sent earlier in this sync. */
  repeats = 0;
  /** The first repeat seen. */
  first: RepeatSite | undefined;

  /**
   * Notes one event_id; returns true when it was seen before in this sync. The id is hashed (SHA-256, first 52 bits;
   * one-shot `crypto.hash`), never stored.
   */
  observe(eventId: string, site: RepeatSite): boolean {
    const h = hash('sha256', eventId, 'hex');
    // 52 bits as a float: 13 hex digits, +1 so that 0 marks an empty slot.
    const key = Number.parseInt(h.slice(0, 13), 16) + 1;
    const table = (this.table ??= new Float64Array(EVENT_ID_TABLE_SLOTS));
    let slot = Number.parseInt(h.slice(13, 18), 16) & (EVENT_ID_TABLE_SLOTS - 1);
    for (;;) {
      const v = table[slot];
      if (v === key) {
        this.repeats++;
        this.first ??= site;
        return true;
      }
      if (v === 0) break;
      slot = (slot + 1) & (EVENT_ID_TABLE_SLOTS - 1);
    }
    if (this.remembered < EVENT_ID_MAX_REMEMBERED) {
      table[slot] = key;
      this.remembered++;
    }
    return false;
  }
}
