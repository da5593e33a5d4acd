/**
 * The first fatal error of a write run. Every part of the pipeline reads it to stop starting new work (reading,
 * sending, echoing states after a failed flush); the caller turns it into the run's one TRACE error.
 */
export class SyncFailure {
  private first: Error | undefined;

  /** The first error recorded, or undefined while the run is healthy. */
  get error(): Error | undefined {
    return this.first;
  }

  /** True once an error was recorded. */
  get failed(): boolean {
    return this.first !== undefined;
  }

  /** Records `err` unless an earlier error was recorded (the first cause is the one reported). */
  fail(err: unknown): void {
    this.first ??= err instanceof Error ? err : new Error(String(err));
  }
}
