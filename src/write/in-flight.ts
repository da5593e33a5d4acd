/**
 * The in-flight request slots: at most {@link InFlightSlots.limit} batches are being sent to Pinterest at once.
 * When every slot is taken, {@link InFlightSlots.waitForFreeSlot} is where reading the input pauses (back-pressure
 * toward the source).
 */
export class InFlightSlots {
  private max: number;
  private active = 0;
  private waiters: (() => void)[] = [];
  private readonly tasks = new Set<Promise<void>>();

  /** @param limit most batches in flight at once (config `max_concurrent_requests`; Infinity for no limit) */
  constructor(limit: number) {
    this.max = limit;
  }

  /**
   * Most batches in flight at once. May change while the sync runs (e.g. adaptive concurrency): a higher limit
   * wakes waiting readers at once; a lower one takes effect as running batches finish.
   */
  get limit(): number {
    return this.max;
  }

  set limit(value: number) {
    this.max = value;
    if (this.active < value) this.wakeAll();
  }

  /** Batches in flight now. */
  get count(): number {
    return this.active;
  }

  /** True while a reader waits in {@link waitForFreeSlot}: the limit, not the reader, holds the sync back. */
  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** True while any batch is in flight. */
  get busy(): boolean {
    return this.tasks.size > 0;
  }

  /**
   * Resolves once a slot is free, or as soon as `stopWaiting()` is true when woken (see {@link wakeAll}).
   * The input is not read while this waits.
   */
  async waitForFreeSlot(stopWaiting: () => boolean): Promise<void> {
    while (this.active >= this.max && !stopWaiting()) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Runs `task` in a slot (after {@link waitForFreeSlot}); `task` must not reject. */
  run(task: () => Promise<void>): void {
    this.active++;
    const p = (async () => {
      try {
        await task();
      } finally {
        this.active--;
        this.wakeAll();
      }
    })();
    this.tasks.add(p);
    void p.finally(() => this.tasks.delete(p));
  }

  /** Wakes every waiter, to look at a free slot or at a cancellation. */
  wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Resolves when every batch in flight now has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
  }

  /** Resolves when no batch is in flight any more (including batches started while waiting). */
  async drained(): Promise<void> {
    while (this.tasks.size > 0) await this.settled();
  }
}
