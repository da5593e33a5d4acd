/**
 * The body of `POST /v5/ad_accounts/{id}/events` (Pinterest OpenAPI 5.23, ConversionEvents: `{"data": [event, ...]}`,
 * 1 to 1,000 events), built as UTF-8 bytes while the batch fills.
 *
 * Why bytes and not an array of event objects: a batch lives for as long as it takes to read 1,000 records plus a
 * round trip to Pinterest, long enough for V8 to copy every event object into its old generation, where they pile
 * up as garbage until a full collection (about 60 MB of a 185 MB peak, measured with npm run bench). Each event is serialized
 * once when it is built and copied here, outside the JS heap; the event object dies young. Sending the whole batch
 * then needs no serialization at all, and retries and bisection re-send the same bytes.
 *
 * Why a pool of buffers: a batch's buffer (about 1 MB) is memory outside the JS heap, and V8 frees it only when it
 * collects the Buffer object; a batch that was in flight has been moved to the old generation by then, so its memory
 * waited for a full collection and buffers of batches long answered piled up (40 of the 160 MB peak RSS of a
 * 1M-record sync, Node 26, 2026-12-06). A batch whose answer has been settled gives its buffer back
 * ({@link EventBatch.release}) and the next batch fills it, so a sync holds about one buffer per request in flight.
 */

const PREFIX = Buffer.from('{"data":[');
const SUFFIX = Buffer.from(']}');
const COMMA = 0x2c;
/** Default first capacity of a batch buffer (bytes); it doubles when full. About 250 typical events of ~1 KB. */
const INITIAL_CAPACITY = 256 * 1024;
/** Smallest buffer allocated (bytes); buffers are this times a power of two. */
const MIN_CAPACITY = 1024;
/** Largest first capacity taken from a caller's hint (bytes): a batch of huge events must not pin its size on the next. */
const MAX_INITIAL_CAPACITY = 4 * 1024 * 1024;
/** Most buffers kept for reuse: twice the most requests in flight (max_concurrent_requests is at most 16). */
export const MAX_SPARE_BUFFERS = 32;

/** Buffers of released batches, for the next batches. */
const spareBuffers: Buffer[] = [];
/** Event end offsets of released batches (see EventBatch.ends), for the next batches. */
const spareEnds: Uint32Array[] = [];
/** Entries of a new end-offset array: one full request's events (Pinterest takes at most 1,000), rounded up. */
const ENDS_CAPACITY = 1024;
const EMPTY_ENDS = new Uint32Array(0);

/**
 * A buffer of at least `capacity` bytes: a spare one when one is large enough (the spares too small are dropped), else
 * a new one of the next power of two. Rounding puts the buffers of similar batches in one size, so a spare fits the
 * next batch: sized exactly, batches whose sizes differ by a few percent dropped every other spare and allocated
 * anew (50 buffers, 36 MB, for 200 batches with 16 in flight; 2026-12-07). The part of a buffer no batch has written
 * is never touched (buffers above 128 KiB are mapped pages of their own under the image's MALLOC_MMAP_THRESHOLD_),
 * so it costs address space, not resident memory.
 */
function takeBuffer(capacity: number): Buffer {
  while (spareBuffers.length > 0) {
    const b = spareBuffers.pop()!;
    if (b.length >= capacity) return b;
  }
  let size = MIN_CAPACITY;
  while (size < capacity) size *= 2;
  return Buffer.allocUnsafeSlow(size);
}

/** Keeps `b` for a later batch (up to {@link MAX_SPARE_BUFFERS}, and none larger than the largest first capacity). */
function keepBuffer(b: Buffer): void {
  if (b.length <= MAX_INITIAL_CAPACITY && spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(b);
}

/**
 * Events serialized as JSON, in one growing buffer laid out as the request body: `{"data":[` e1 `,` e2 ... (the
 * closing `]}` is added by {@link body}).
 */
export class EventBatch {
  private buf: Buffer;
  /**
   * Byte offset (below 2^32) just after each event's JSON text, in entries 0 to count - 1. A typed array handed on
   * by released batches, like the buffer: an array of numbers grown to 1,000 entries per batch was copied by V8 into
   * its old generation while the batch filled and waited for its answer (issue 16).
   */
  private ends: Uint32Array = spareEnds.pop() ?? new Uint32Array(ENDS_CAPACITY);
  private count = 0;
  private used: number;
  private released = false;

  /**
   * @param capacity first buffer size in bytes (a hint: e.g. the previous batch's byteLength), capped at 4 MiB; the
   *   buffer may be one a released batch gave back
   */
  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = takeBuffer(Math.min(Math.max(capacity, PREFIX.length + SUFFIX.length + 1), MAX_INITIAL_CAPACITY));
    PREFIX.copy(this.buf, 0);
    this.used = PREFIX.length;
  }

  /**
   * Builds a batch from event objects (for `check`'s test event and for tests).
   * @param events Pinterest events (ConversionEvents.data items); no bigint values (JSON.stringify would throw).
   */
  static of(events: readonly object[]): EventBatch {
    const b = new EventBatch(1024);
    for (const e of events) b.push(JSON.stringify(e));
    return b;
  }

  /** Number of events. */
  get length(): number {
    return this.count;
  }

  /** Bytes of the whole body, `{"data":[...]}` included. */
  get byteLength(): number {
    return this.used + SUFFIX.length;
  }

  /**
   * Appends one event.
   * @param json the event as JSON text (`JSON.stringify` of a ConversionEvents.data item); not checked here
   */
  push(json: string): void {
    this.assertNotReleased();
    // At most 3 UTF-8 bytes per UTF-16 unit: only when that bound does not fit is the exact length worth computing.
    const comma = this.count > 0 ? 1 : 0;
    const room = this.buf.length - this.used - comma - SUFFIX.length;
    if (json.length * 3 > room) {
      const needed = this.used + comma + Buffer.byteLength(json) + SUFFIX.length;
      if (needed > this.buf.length) this.grow(needed);
    }
    if (comma) this.buf[this.used++] = COMMA;
    this.used += this.buf.write(json, this.used);
    if (this.count === this.ends.length) {
      const more = new Uint32Array(this.ends.length * 2);
      more.set(this.ends);
      this.ends = more;
    }
    this.ends[this.count++] = this.used;
  }

  /**
   * The request body with events `from` (inclusive) to `to` (exclusive), as a Buffer. The whole batch is a view of
   * this batch's memory (no copy), valid until the next push; a part (bisection) is a copy.
   * @throws RangeError for an empty or out-of-range selection
   */
  body(from = 0, to = this.count): Buffer {
    this.assertNotReleased();
    if (from < 0 || to > this.count || from >= to) throw new RangeError(`EventBatch.body(${from}, ${to}) of ${this.count} events`);
    const start = from === 0 ? PREFIX.length : this.ends[from - 1] + 1; // + 1: the comma before the event
    const end = this.ends[to - 1];
    if (from === 0 && end === this.used) {
      SUFFIX.copy(this.buf, end); // capacity for it is kept free by push()
      return this.buf.subarray(0, end + SUFFIX.length);
    }
    return Buffer.concat([PREFIX, this.buf.subarray(start, end), SUFFIX]);
  }

  /**
   * The JSON text of event `i` (0-based), as pushed.
   * @throws RangeError for an index out of range
   */
  eventText(i: number): string {
    this.assertNotReleased();
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`EventBatch.eventText(${i}) of ${this.count} events`);
    const start = i === 0 ? PREFIX.length : this.ends[i - 1] + 1; // + 1: the comma before the event
    return this.buf.toString('utf8', start, this.ends[i]);
  }

  /**
   * Gives the buffer back for later batches. Call only when nothing reads this batch's bodies any more: its request
   * answered and its outcomes settled (a body handed to a request that may still be writing it must not be
   * released). Afterwards every method but `length` throws.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    keepBuffer(this.buf);
    this.buf = Buffer.alloc(0);
    if (this.ends.length === ENDS_CAPACITY && spareEnds.length < MAX_SPARE_BUFFERS) spareEnds.push(this.ends);
    this.ends = EMPTY_ENDS;
  }

  private assertNotReleased(): void {
    if (this.released) throw new Error('EventBatch used after release()');
  }

  private grow(min: number): void {
    let capacity = this.buf.length * 2;
    while (capacity < min) capacity *= 2;
    const next = takeBuffer(capacity);
    this.buf.copy(next, 0, 0, this.used);
    keepBuffer(this.buf);
    this.buf = next;
  }
}
