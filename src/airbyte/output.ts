import type { Writable } from 'node:stream';
import type { FailureType, LogLevel } from './protocol.js';
import { Redactor } from './redact.js';

/**
 * The one writer of stdout. Every Airbyte message this connector prints goes through here, one JSON
 * document per line, so no two messages can interleave.
 *
 * Back-pressure: `write*` never drops a line; when the pipe is full the writer notes it and
 * {@link AirbyteOutput.ready} resolves on `drain`. {@link AirbyteOutput.flush} resolves once every line written
 * so far has been handed to the OS, which is what must happen before the process exits
 * (never `process.exit()` with writes queued: the last STATE or TRACE would be lost).
 *
 * Secrets registered with {@link AirbyteOutput.addSecret} are replaced by `***` in every LOG, TRACE and
 * CONNECTION_STATUS text, in every form they are sent in (see {@link Redactor}).
 */
export class AirbyteOutput {
  private draining: Promise<void> | null = null;
  private readonly secrets = new Redactor();
  private closed = false;
  private readonly lostController = new AbortController();

  /**
   * @param stream where lines go (process.stdout in production, a PassThrough in tests)
   * @param clock epoch milliseconds, for `emitted_at`
   */
  constructor(
    private readonly stream: Writable = process.stdout,
    private readonly clock: () => number = Date.now,
  ) {
    // A reader that went away (EPIPE) must not crash the process with an unhandled 'error'.
    stream.on('error', () => {
      this.closed = true;
      this.lostController.abort();
    });
  }

  /** True once the reader went away (EPIPE or another write error): later lines were not delivered. */
  get lost(): boolean {
    return this.closed;
  }

  /**
   * Aborted when the reader goes away (EPIPE or another write error). Nothing can be reported any more (no STATE,
   * no TRACE), so a sync must stop reading and sending: the platform will not know what was delivered.
   */
  get lostSignal(): AbortSignal {
    return this.lostController.signal;
  }

  /**
   * Registers a secret (token, client secret, a Basic credential) so that it never appears in LOG, TRACE or
   * CONNECTION_STATUS text, raw or URL-, form- or JSON-encoded. Empty strings are ignored.
   */
  addSecret(secret: string | undefined): void {
    this.secrets.add(secret);
  }

  /** Replaces registered secrets in `text` with `***`. */
  redact(text: string): string {
    return this.secrets.redact(text);
  }

  /** Writes one pre-serialized JSON message (without trailing newline). */
  writeLine(json: string): void {
    if (this.closed) return;
    const ok = this.stream.write(json + '\n');
    if (!ok && !this.draining) {
      this.draining = new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          this.draining = null;
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
  }

  /** Serializes and writes one Airbyte message object. */
  write(message: object): void {
    this.writeLine(JSON.stringify(message));
  }

  /** LOG message. `message` must already be free of PII; secrets are redacted here as a last line of defence. */
  log(level: LogLevel, message: string): void {
    this.write({ type: 'LOG', log: { level, message: this.redact(message) } });
  }

  /** TRACE ERROR message (`emitted_at` in ms; without it the platform drops the message). */
  traceError(failureType: FailureType, message: string, internalMessage?: string, stackTrace?: string): void {
    const error: Record<string, unknown> = { message: this.redact(message), failure_type: failureType };
    if (internalMessage) error.internal_message = this.redact(internalMessage);
    if (stackTrace) error.stack_trace = this.redact(stackTrace);
    this.write({ type: 'TRACE', trace: { type: 'ERROR', emitted_at: this.clock(), error } });
  }

  /** CONTROL CONNECTOR_CONFIG message: the platform replaces its stored config with `config`, so pass the complete one. */
  controlConfig(config: object): void {
    this.write({ type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: this.clock(), connectorConfig: { config } } });
  }

  /** CONNECTION_STATUS message for `check`. */
  connectionStatus(status: 'SUCCEEDED' | 'FAILED', message?: string): void {
    const connectionStatus: Record<string, unknown> = { status };
    if (message !== undefined) connectionStatus.message = this.redact(message);
    this.write({ type: 'CONNECTION_STATUS', connectionStatus });
  }

  /** True while the stream is full (a write returned false and `drain` has not come yet); see {@link ready}. */
  get full(): boolean {
    return this.draining !== null;
  }

  /** Resolves when the stream can take more (immediately unless a write returned false). */
  ready(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  /** Resolves when every line written so far has been flushed to the underlying stream. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const ok = this.stream.write('', () => resolve());
      if (!ok) void ok;
    });
  }
}
