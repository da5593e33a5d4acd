import type { Readable } from 'node:stream';
import { readMessages, type InputMessage } from '../airbyte/input.js';
import type { AirbyteOutput } from '../airbyte/output.js';
import type { SyncFailure } from './sync-failure.js';

/** What the read loop does with each kind of input message. */
export interface MessageHandlers {
  /** A RECORD; may wait (a full batch waiting for a free in-flight slot), and reading waits with it. */
  record(msg: Extract<InputMessage, { kind: 'record' }>): Promise<void>;
  /** A STATE. */
  state(msg: Extract<InputMessage, { kind: 'state' }>): void;
  /** A line that is not a usable Airbyte message. */
  invalid(msg: Extract<InputMessage, { kind: 'invalid' }>): void;
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
 * failure, or when the input is destroyed (cancellation). Other message types (TRACE stream statuses, LOG, CONTROL,
 * unknown ones) are ignored. An error reading the input fails the sync, unless the sync was cancelled.
 */
export async function readLoop(o: ReadLoopOptions): Promise<void> {
  try {
    for await (const msg of readMessages(o.input)) {
      if (msg.kind === 'record') await o.handlers.record(msg);
      else if (msg.kind === 'state') o.handlers.state(msg);
      else if (msg.kind === 'invalid') o.handlers.invalid(msg);
      if (o.failure.failed) break;
      await o.out.ready();
    }
  } catch (err) {
    if (!o.cancel?.aborted) o.failure.fail(err);
  }
}
