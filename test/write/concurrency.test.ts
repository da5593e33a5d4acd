import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency, HOLD_WINDOWS, PUSHBACK_HOLD_WINDOWS, type WindowRecord } from '../../src/write/concurrency.js';

/**
 * Feeds one window of `limit` completions of 1,000 events spread over `ms`, all at the current limit (saturated),
 * each answered `latencyMs` after it was sent (undefined: latency unknown).
 */
function window(c: AdaptiveConcurrency, start: number, ms: number, latencyMs?: number): WindowRecord | undefined {
  const n = c.limit;
  for (let i = 0; i < n; i++) c.dispatched(n, start);
  let record: WindowRecord | undefined;
  for (let i = 1; i <= n; i++) record = c.completed(1000, start + (ms * i) / n, latencyMs) ?? record;
  return record;
}

/**
 * A deterministic model of the pipeline: building a batch of 1,000 events costs `cpuMs` of the one thread, a batch
 * waits for a free slot, Pinterest answers after `latencyMs`. With `ceilingPerSecond`, a request sent when that
 * many were already sent in the past second is answered 429 and retried after `retryMs` (as the client does). With
 * `servedPerSecond`, requests are served one after another at that rate (the client's requests_per_minute limiter, or
 * a Pinterest that works through them in turn): each waits its turn, then is answered `latencyMs` later; latency is
 * measured from dispatch, as the Batcher does.
 * Returns the limits seen, the most batches in flight (over the run and over its second half) and the
 * acknowledged throughput of the second half.
 */
function simulate(o: {
  latencyMs: number;
  cpuMsPerBatch: number;
  max: number;
  batches: number;
  ceilingPerSecond?: number;
  retryMs?: number;
  servedPerSecond?: number;
}) {
  const c = new AdaptiveConcurrency({ max: o.max });
  const pending: Array<{ at: number; pushback: boolean; sent: number }> = [];
  const sentAt: number[] = [];
  let t = 0;
  let ready = o.cpuMsPerBatch;
  let sent = 0;
  let done = 0;
  let halfTime = 0;
  const limits: number[] = [c.limit];
  let maxInFlight = 0;
  let lateMaxInFlight = 0;
  let lateMaxLimit = 0;
  let nextTurn = 0;
  let pushbacks = 0;
  while (done < o.batches) {
    pending.sort((a, b) => a.at - b.at);
    if (sent < o.batches && pending.length < c.limit && (pending.length === 0 || ready <= pending[0].at)) {
      t = Math.max(t, ready);
      const recent = sentAt.filter((s) => s > t - 1000).length;
      const refused = o.ceilingPerSecond !== undefined && recent >= o.ceilingPerSecond;
      sentAt.push(t);
      if (sentAt.length > 1000) sentAt.splice(0, 500);
      const served = o.servedPerSecond === undefined ? t : Math.max(t, nextTurn);
      if (o.servedPerSecond !== undefined) nextTurn = served + 1000 / o.servedPerSecond;
      pending.push({ at: served + o.latencyMs, pushback: refused, sent: t });
      maxInFlight = Math.max(maxInFlight, pending.length);
      if (done >= o.batches / 2) lateMaxInFlight = Math.max(lateMaxInFlight, pending.length);
      c.dispatched(pending.length, t);
      sent++;
      ready = t + o.cpuMsPerBatch;
    } else {
      const next = pending.shift()!;
      t = next.at;
      if (next.pushback) {
        // The client retries the same batch after its backoff; the slot stays taken meanwhile.
        c.pushback(t);
        pushbacks++;
        pending.push({ at: t + (o.retryMs ?? 1000) + o.latencyMs, pushback: false, sent: next.sent });
        continue;
      }
      c.completed(1000, t, t - next.sent);
      done++;
      if (done === Math.floor(o.batches / 2)) halfTime = t;
      if (done >= o.batches / 2) lateMaxLimit = Math.max(lateMaxLimit, c.limit);
    }
    limits.push(c.limit);
  }
  const secondHalfEventsPerSecond = ((o.batches - Math.floor(o.batches / 2)) * 1000 * 1000) / (t - halfTime);
  return { limits, final: c.limit, peak: c.peak, maxInFlight, lateMaxInFlight, lateMaxLimit, pushbacks, eventsPerSecond: secondHalfEventsPerSecond };
}

describe('AdaptiveConcurrency', () => {
  it('starts at 4 (the former fixed default), or at max when lower; refuses a max below 1', () => {
    expect(new AdaptiveConcurrency({ max: 16 }).limit).toBe(4);
    expect(new AdaptiveConcurrency({ max: 2 }).limit).toBe(2);
    expect(new AdaptiveConcurrency({ max: 16, initial: 1 }).limit).toBe(1);
    expect(() => new AdaptiveConcurrency({ max: 0 })).toThrow('max must be an integer ≥ 1, got 0');
  });

  it('doubles while throughput grows with the limit, then steps back from a raise that bought nothing and holds', () => {
    const c = new AdaptiveConcurrency({ max: 64 });
    // Latency-bound: each window lasts one round trip (300 ms) whatever the limit, so throughput ∝ limit.
    expect(window(c, 0, 300)).toEqual({ limit: 4, eventsPerSecond: 13_333.333333333334, verdict: 'probe', next: 8 });
    expect(window(c, 300, 300)).toEqual({ limit: 8, eventsPerSecond: 26_666.666666666668, verdict: 'scaling', next: 16 });
    // At 16 the CPU is the limit: the window takes twice as long, throughput is flat → back to 8, hold.
    expect(window(c, 600, 600)).toEqual({ limit: 16, eventsPerSecond: 26_666.666666666668, verdict: 'no-gain', next: 8 });
    for (let k = 0; k < HOLD_WINDOWS; k++) expect(window(c, 1200 + k * 300, 300)?.verdict).toBe('hold');
    // Then it probes again, one at a time now.
    expect(window(c, 2700, 300)).toEqual({ limit: 8, eventsPerSecond: 26_666.666666666668, verdict: 'probe', next: 9 });
    expect(c.peak).toBe(16);
  });

  it('keeps raising when the answers come no slower, though the throughput measured dipped (a slow reader)', () => {
    const c = new AdaptiveConcurrency({ max: 64 });
    window(c, 0, 300, 300); // 4 → 8
    // Twice the requests, answered as fast, but the window's throughput rose 5% only (the reader was slow then). Most
    // answers of the window after a raise are to requests sent before it: the limit is kept one more window, whose
    // answers, as fast again, confirm the raise.
    expect(window(c, 300, 571, 300)).toMatchObject({ limit: 8, verdict: 'hold', next: 8 });
    expect(window(c, 871, 571, 300)).toMatchObject({ limit: 8, verdict: 'scaling', next: 16 });
    // The same dip with answers that slowed in proportion: Pinterest queues the extra requests → back to 8.
    const queued = new AdaptiveConcurrency({ max: 64 });
    window(queued, 0, 300, 300);
    expect(window(queued, 300, 571, 571)).toMatchObject({ limit: 8, verdict: 'no-gain', next: 4 });
    // Latency unknown: judged by throughput alone, as before.
    const unknown = new AdaptiveConcurrency({ max: 64 });
    window(unknown, 0, 300);
    expect(window(unknown, 300, 571)).toMatchObject({ limit: 8, verdict: 'no-gain', next: 4 });
  });

  it('a window needs `limit` completions and at least 200 ms', () => {
    const c = new AdaptiveConcurrency({ max: 16 });
    for (let i = 0; i < 4; i++) c.dispatched(4, 0);
    expect(c.completed(1000, 10)).toBeUndefined();
    expect(c.completed(1000, 20)).toBeUndefined();
    expect(c.completed(1000, 30)).toBeUndefined();
    expect(c.completed(1000, 40)).toBeUndefined(); // 4 completions but only 40 ms
    expect(c.completed(1000, 200)).toEqual({ limit: 4, eventsPerSecond: 25_000, verdict: 'probe', next: 8 });
  });

  it('does not raise a limit that was never reached', () => {
    const c = new AdaptiveConcurrency({ max: 16 });
    c.dispatched(1, 0);
    let record: WindowRecord | undefined;
    for (let i = 1; i <= 4; i++) record = c.completed(1000, i * 100) ?? record;
    expect(record).toEqual({ limit: 4, eventsPerSecond: 10_000, verdict: 'hold', next: 4 });
  });

  it('cuts the limit to 70% on pushback, once per window, never below 1, and measures afresh after', () => {
    const c = new AdaptiveConcurrency({ max: 32, initial: 10 });
    c.pushback(0);
    expect(c.limit).toBe(7);
    c.pushback(1); // same window: a burst of 429s is one signal
    expect(c.limit).toBe(7);
    // The window restarted at the cut (t = 0) and ends at the 7th completion (t = 310).
    expect(window(c, 10, 300)).toEqual({ limit: 7, eventsPerSecond: 22_580.645161290322, verdict: 'pushback', next: 7 });
    // 7 of the 10 requests in flight at the cut have settled: their answers do not count against the new limit.
    c.pushback(400);
    expect(c.limit).toBe(7);
    for (let i = 0; i < 3; i++) c.completed(1000, 410 + i);
    c.pushback(500);
    expect(c.limit).toBe(5);
    const small = new AdaptiveConcurrency({ max: 32, initial: 2 });
    small.pushback(0);
    expect(small.limit).toBe(1);
    const one = new AdaptiveConcurrency({ max: 1 });
    one.pushback(0);
    expect(one.limit).toBe(1);
  });

  it('after pushback, holds 15 windows, then raises one step per 6 windows (a ceiling is near)', () => {
    const c = new AdaptiveConcurrency({ max: 32, initial: 6 });
    c.pushback(0);
    expect(c.limit).toBe(4);
    const verdicts: string[] = [];
    const limits: number[] = [];
    for (let k = 0, t = 0; k < 1 + PUSHBACK_HOLD_WINDOWS + 1 + HOLD_WINDOWS + 1; k++, t += 300) {
      const w = window(c, t, 300)!;
      verdicts.push(w.verdict);
      limits.push(w.next);
    }
    expect(verdicts).toEqual([
      'pushback',
      ...Array<string>(PUSHBACK_HOLD_WINDOWS).fill('hold'),
      'probe',
      ...Array<string>(HOLD_WINDOWS).fill('hold'),
      'probe',
    ]);
    expect(limits).toEqual([...Array<number>(1 + PUSHBACK_HOLD_WINDOWS).fill(4), ...Array<number>(1 + HOLD_WINDOWS).fill(5), 6]);
  });

  it('a doubling that meets pushback returns to where it doubled from', () => {
    const c = new AdaptiveConcurrency({ max: 32 });
    window(c, 0, 300); // 4 → 8
    window(c, 300, 300); // 8 → 16
    expect(c.limit).toBe(16);
    c.pushback(700);
    expect(c.limit).toBe(8);
  });

  it('never exceeds max', () => {
    const c = new AdaptiveConcurrency({ max: 6 });
    for (let k = 0; k < 10; k++) window(c, k * 300, 300 * (1 + k * 0.0));
    expect(c.peak).toBe(6);
    expect(c.limit).toBeLessThanOrEqual(6);
  });
});

describe('AdaptiveConcurrency in a model of the pipeline (40 ms of CPU per batch: 25,000 events/s at most)', () => {
  it('hides 300 ms of latency: ≥ 0.9 × the CPU-bound throughput, with about latency × rate in flight', () => {
    const r = simulate({ latencyMs: 300, cpuMsPerBatch: 40, max: 32, batches: 400 });
    expect(r.eventsPerSecond).toBeGreaterThanOrEqual(0.9 * 25_000);
    // 25 batches/s × 0.34 s ≈ 9 batches are in flight; a limit above that is not reached, so costs no memory.
    expect(r.lateMaxInFlight).toBeGreaterThanOrEqual(8);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(11);
    expect(r.peak).toBeLessThanOrEqual(16);
  });

  it('hides 100 ms of latency with fewer requests in flight', () => {
    const r = simulate({ latencyMs: 100, cpuMsPerBatch: 40, max: 32, batches: 400 });
    expect(r.eventsPerSecond).toBeGreaterThanOrEqual(0.9 * 25_000);
    expect(r.lateMaxInFlight).toBeGreaterThanOrEqual(3);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(6);
  });

  it('stays low when answers are instant (more requests would only hold memory)', () => {
    const r = simulate({ latencyMs: 1, cpuMsPerBatch: 40, max: 32, batches: 400 });
    expect(r.eventsPerSecond).toBeGreaterThanOrEqual(0.95 * 25_000);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(2);
    expect(r.peak).toBeLessThanOrEqual(8);
  });

  it('with the fixed limit of 4 it would not (the problem this solves)', () => {
    const r = simulate({ latencyMs: 300, cpuMsPerBatch: 40, max: 4, batches: 400 });
    expect(r.eventsPerSecond).toBeLessThan(0.6 * 25_000);
  });

  it('settles under a ceiling of 12 requests/s (429 above it) instead of hammering it', () => {
    const r = simulate({ latencyMs: 300, cpuMsPerBatch: 40, max: 32, batches: 400, ceilingPerSecond: 12 });
    // 3 in flight (at most 10 requests/s, 10,000 events/s) is the most under the ceiling; 4 (about 13/s) is over it.
    expect(r.eventsPerSecond).toBeGreaterThanOrEqual(0.8 * 10_000);
    expect(r.eventsPerSecond).toBeLessThanOrEqual(12_000);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(4);
    expect(r.pushbacks).toBeLessThan(0.12 * 400);
  });

  it('when requests are served one after another (10/s), does not raise the limit to max on answers that only seem no slower (sent before the raise)', () => {
    // 10 requests/s × 0.3 s: 3 in flight deliver all the throughput there is; more only wait in the queue, and each
    // answer takes longer. Judged by the window right after each raise, whose answers are mostly to requests sent
    // before it, the limit went up one raise after another to max (16 in flight, answers after 1.6 s instead of 0.3 s).
    const r = simulate({ latencyMs: 300, cpuMsPerBatch: 40, max: 16, batches: 2000, servedPerSecond: 10 });
    expect(r.lateMaxLimit).toBeLessThanOrEqual(10);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(10);
  });
});
