import type { Readable } from 'node:stream';
import { readMessageBatches, type InputMessage } from '../airbyte/input.js';
import { InputError } from '../airbyte/input-error.js';
import type { AirbyteOutput } from '../airbyte/output.js';
import type { SyncFailure } from './sync-failure.js';

/** What the read loop does with each kind of input message. */
export interface MessageHandlers {
  /**
   * A RECORD. Returns a promise only when reading must wait for it (a full batch waiting for a free in-flight slot);
   * undefined otherwise, so that most records take no async step.
   */
  record(msg: Extract<InputMessage, { kind: 'record' }>): Promise<void> | undefined;
  /** A STATE. */
  state(msg: Extract<InputMessage, { kind: 'state' }>): void;
}

/** Options of {@link readLoop}. */
export interface ReadLoopOptions {
  input: Readable;
  out: AirbyteOutput;
  failure: SyncFailure;
  handlers: MessageHandlers;
  /** Set on SIGTERM: an input error caused by the cancellation is not a failure. */
  cancel?: AbortSignal;
}

/**
 * The read loop: reads stdin message by message and hands each to its handler. Reading pauses while a handler
 * waits (a free in-flight slot) and while stdout is full (`out.ready()`); it stops at the end of input, on a
 * failure, when the input is destroyed (cancellation), or at a malformed line. Other message types (TRACE stream
 * statuses, LOG, CONTROL, unknown ones) are ignored. An error reading the input fails the sync, unless the sync was
 * cancelled.
 *
 * @returns the {@link InputError} of a malformed line (not JSON, not an Airbyte message, a STATE of no known shape,
 *   cut off at the end of input, too long), where reading stopped; the caller lets the records before it settle,
 *   echoes their states, and then fails the sync with it. Undefined when the input was read to its end.
 */
export async function readLoop(o: ReadLoopOptions): Promise<InputError | undefined> {
  try {
    for await (const messages of readMessageBatches(o.input)) {
      for (const msg of messages) {
        if (msg.kind === 'invalid') return new InputError(msg.line, msg.problem);
        if (msg.kind === 'record') {
          const wait = o.handlers.record(msg);
          if (wait) await wait;
        } else if (msg.kind === 'state') o.handlers.state(msg);
        if (o.failure.failed) return undefined;
        if (o.out.full) await o.out.ready();
      }
    }
  } catch (err) {
    if (o.cancel?.aborted) return undefined;
    if (err instanceof InputError) return err;
    o.failure.fail(err);
  }
  return undefined;
}
