import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from '../../src/write/concurrency.js';

/**
 * A model of the pipeline where requests leave at most `perSecond` per second (the client's requests_per_minute
 * limiter, or a Pinterest that works through requests one after another): building a batch costs `cpuMsPerBatch`, a
 * request waits its turn, then is answered `latencyMs` later. Latency is measured from dispatch, as the Batcher does.
 * Returns the final and the highest limit, and the most batches in flight, over the second half of the run.
 */
function simulate(o: { latencyMs: number; cpuMsPerBatch: number; max: number; batches: number; perSecond: number }) {
  const c = new AdaptiveConcurrency({ max: o.max });
  const pending: Array<{ at: number; sent: number }> = [];
  let t = 0;
  let ready = o.cpuMsPerBatch;
  let sent = 0;
  let done = 0;
  let nextTurn = 0;
  let lateMaxInFlight = 0;
  let lateMaxLimit = 0;
  while (done < o.batches) {
    pending.sort((a, b) => a.at - b.at);
    if (sent < o.batches && pending.length < c.limit && (pending.length === 0 || ready <= pending[0].at)) {
      t = Math.max(t, ready);
      const start = Math.max(t, nextTurn);
      nextTurn = start + 1000 / o.perSecond;
      pending.push({ at: start + o.latencyMs, sent: t });
      if (done >= o.batches / 2) lateMaxInFlight = Math.max(lateMaxInFlight, pending.length);
      c.dispatched(pending.length, t);
      sent++;
      ready = t + o.cpuMsPerBatch;
    } else {
      const next = pending.shift()!;
      t = next.at;
      c.completed(1000, t, t - next.sent);
      done++;
      if (done >= o.batches / 2) lateMaxLimit = Math.max(lateMaxLimit, c.limit);
    }
  }
  return { final: c.limit, lateMaxLimit, lateMaxInFlight };
}

describe('AdaptiveConcurrency when requests are served one after another (a rate of 10 requests/s binds)', () => {
  it('does not raise the limit to max on answers that only seem no slower (sent before the raise)', () => {
    // 10 requests/s × 0.3 s: 3 in flight deliver all the throughput there is; more only wait in the queue, and each
    // answer takes longer. Judged by the window right after each raise, whose answers are mostly to requests sent
    // before it, the limit went up one raise after another to max (16 in flight, answers after 1.6 s instead of 0.3 s).
    const r = simulate({ latencyMs: 300, cpuMsPerBatch: 40, max: 16, batches: 2000, perSecond: 10 });
    expect(r.lateMaxLimit).toBeLessThanOrEqual(10);
    expect(r.lateMaxInFlight).toBeLessThanOrEqual(10);
  });
});
