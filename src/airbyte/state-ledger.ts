import type { AirbyteState } from './protocol.js';
import { streamKey } from './protocol.js';

/**
 * Counts of records of one stream that no state has reported yet: how many were accepted and how many rejected.
 */
interface Bucket {
  accepted: number;
  rejected: number;
}

/** The records between two consecutive STATE messages in input order, and the state that closes them. */
interface Segment {
  outstanding: number;
  state: AirbyteState | null;
  /**
   * The buckets reported with the state: its stream's (STREAM), or every stream's not yet reported by an earlier
   * state (GLOBAL, LEGACY), so that whatever mix of STREAM and GLOBAL states a client sends, each record is counted
   * in exactly one state's destinationStats.
   */
  buckets: Bucket[] | null;
}

/**
 * Handle the write pipeline keeps for each record until it is settled. Records of the same stream read between the
 * same two states share one ticket object (it only names their segment and stream bucket), so a record costs no
 * allocation of its own: a batch in flight keeps 1,000 references, not 1,000 objects.
 */
export interface RecordTicket {
  readonly segment: Segment;
  readonly streamBucket: Bucket;
}

/**
 * Which states wait on which records, and releasing them strictly in input order.
 *
 * Rule (Airbyte protocol, destination contract): a STATE is echoed only after every record that came before it
 * in the input, of any stream, was accepted by Pinterest or definitively rejected. Each state is echoed once,
 * in order, with `destinationStats {recordCount, rejectedRecordCount}` for the records it covers.
 *
 * Usage: `track(record)` when a record is read, `settle(ticket, accepted)` when its fate is known,
 * `addState(state)` when a STATE is read; `release(emit)` hands every releasable state to `emit`.
 */
export class StateLedger {
  private readonly segments: Segment[] = [];
  private open: Segment = newSegment();
  private readonly streamBuckets = new Map<string, Bucket>();
  private head = 0;
  /** The last ticket handed out (of the open segment: cleared when a state closes it). */
  private lastTicket: RecordTicket | undefined;
  /** The stream (name, namespace) of lastTicket. */
  private lastName: string | undefined;
  private lastNamespace: string | null | undefined;

  /** Registers a record of stream (name, namespace) read now; returns its ticket (see {@link RecordTicket}). */
  track(name: string, namespace: string | null | undefined): RecordTicket {
    this.open.outstanding++;
    // Consecutive records mostly belong to one stream: the last ticket serves them without building the stream key.
    if (this.lastTicket !== undefined && this.lastName === name && this.lastNamespace === namespace) return this.lastTicket;
    const key = streamKey(name, namespace);
    let bucket = this.streamBuckets.get(key);
    if (!bucket) {
      bucket = { accepted: 0, rejected: 0 };
      this.streamBuckets.set(key, bucket);
    }
    if (this.lastTicket?.streamBucket !== bucket) this.lastTicket = { segment: this.open, streamBucket: bucket };
    this.lastName = name;
    this.lastNamespace = namespace;
    return this.lastTicket;
  }

  /**
   * Marks a record as accepted (true) or definitively rejected (false). Call exactly once per {@link track}, with
   * the ticket it returned.
   */
  settle(ticket: RecordTicket, accepted: boolean): void {
    ticket.segment.outstanding--;
    if (accepted) ticket.streamBucket.accepted++;
    else ticket.streamBucket.rejected++;
  }

  /** Closes the current segment with `state`. */
  addState(state: AirbyteState): void {
    this.lastTicket = undefined; // the next records belong to the next segment
    const seg = this.open;
    seg.state = state;
    if (state.type === 'STREAM' && state.stream?.stream_descriptor) {
      const d = state.stream.stream_descriptor;
      const key = streamKey(d.name, d.namespace);
      const bucket = this.streamBuckets.get(key);
      seg.buckets = bucket ? [bucket] : [];
      this.streamBuckets.delete(key);
    } else {
      // GLOBAL / LEGACY (or a state without a type): every record no earlier state reported.
      seg.buckets = [...this.streamBuckets.values()];
      this.streamBuckets.clear();
    }
    this.segments.push(seg);
    this.open = newSegment();
  }

  /**
   * Emits, in input order, every state whose preceding records are all settled (at most `max` of them).
   * @returns how many states were released
   */
  release(emit: (state: AirbyteState, recordCount: number, rejectedRecordCount: number) => void, max = Number.POSITIVE_INFINITY): number {
    let n = 0;
    while (n < max && this.head < this.segments.length && this.segments[this.head].outstanding === 0) {
      const seg = this.segments[this.head];
      this.segments[this.head] = undefined as unknown as Segment; // let it be collected
      this.head++;
      let accepted = 0;
      let rejected = 0;
      for (const b of seg.buckets as Bucket[]) {
        accepted += b.accepted;
        rejected += b.rejected;
      }
      emit(seg.state as AirbyteState, accepted, rejected);
      n++;
    }
    if (this.head > 1024 && this.head * 2 > this.segments.length) {
      this.segments.splice(0, this.head);
      this.head = 0;
    }
    return n;
  }

  /** Number of states that {@link release} would emit now (every record before them settled). */
  get releasable(): number {
    let i = this.head;
    while (i < this.segments.length && this.segments[i].outstanding === 0) i++;
    return i - this.head;
  }

  /** Number of states read but not yet released. */
  get pendingStates(): number {
    return this.segments.length - this.head;
  }
}

function newSegment(): Segment {
  return { outstanding: 0, state: null, buckets: null };
}
