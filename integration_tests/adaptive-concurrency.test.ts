/**
 * The in-flight limit adapts to Pinterest's latency and pushback (src/write/concurrency.ts), through the real CLI
 * against the fake Pinterest API: slow answers raise it above the starting 8, a request-rate ceiling (429 above it)
 * is met by settling under it without failing. States stay in input order and every event is accepted once.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { describeRun, echoedStates, eventsRequests, expectAcceptedExactly, fakePerTest, generateOrders, logTexts, ordersConfig, runWrite, traceErrors } from './helpers/generated.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 120_000 });

describe.concurrent('adaptive in-flight requests', () => {
  it('slow answers: more than the starting 8 batches in flight, never above max_concurrent_requests, states in order', async () => {
    // 3 s per answer: the first 8 batches are built long before the first answer even on a busy machine, so the
    // limit is reached; every answer then adds a slot (slow start), and the next round of batches is built within
    // one answer's time. 30 batches: a second round larger than the first.
    const fake = await newFake({ latencyMs: 3000 });
    const input = generateOrders(30_000, 1000);
    const r = await runWrite(fake, ordersConfig({ max_concurrent_requests: 12, requests_per_minute: 120_000 }), input.lines, { timeoutMs: 110_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, input.ids);
    expect(fake.counters.maxInFlight).toBeGreaterThan(8);
    expect(fake.counters.maxInFlight).toBeLessThanOrEqual(12);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
  });

  it('a ceiling of 3 requests/s (429 above it): settles under it, no failure, the 429s die down', async () => {
    const fake = await newFake({ latencyMs: 300, maxEventsRequestsPerSecond: 3 });
    const input = generateOrders(30_000, 1000);
    // Real backoff waits (Retry-After: 1 s), as Pinterest's clients would see them.
    const r = await runWrite(fake, ordersConfig({ max_concurrent_requests: 16, requests_per_minute: 120_000, max_retries: 20 }), input.lines, {
      env: { PINTEREST_RETRY_TIME_SCALE: '1' },
      timeoutMs: 110_000,
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, input.ids);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    const statuses = eventsRequests(fake).map((q) => q.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    const refused = (part: number[]): number => part.filter((s) => s === 429).length;
    // Starting at 8 in flight with 300 ms answers (~27 requests/s) meets the ceiling at once ...
    expect(refused(statuses)).toBeGreaterThan(0);
    // ... and then the refusals die down instead of going on: the limit comes down and the batches refused at the
    // start are delivered. (Those keep their slots while they are retried, all after the same Retry-After, so the
    // first seconds meet a 429 for most requests; a fixed 16 in flight would meet ~13 refusals for every 3 answers
    // to the end.) The exact counts depend on how fast the first batches are read, so the bound compares the first
    // and the last third of the requests.
    const third = Math.floor(statuses.length / 3);
    expect(refused(statuses.slice(-third))).toBeLessThanOrEqual(refused(statuses.slice(0, third)) / 2);
    // The first 429 set a pace of request starts, said once; later cuts are summed up at the end.
    const logs = logTexts(r.messages);
    const first = logs.filter((l) => l.startsWith('Pinterest answered 429 (too many requests) at '));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^Pinterest answered 429 \(too many requests\) at \d+ requests? started in a second: requests are now started at most [\d.]+ a second, 15% fewer after each further 429, and more after every 10 s without one \(2% more at first, then twice the last rise, at most 50%\)\.$/);
    const summary = logs.filter((l) => l.startsWith("Request pace after Pinterest's 429s: "));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(/^Request pace after Pinterest's 429s: cut \d+ times, at most [\d.]+ requests a second at the end\.$/);
  });
});
