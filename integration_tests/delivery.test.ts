/**
 * "Delivery you can trust", through the real CLI (`node dist/main.js write`) against the fake Pinterest API:
 * exact accepted event_ids, exact echoed states and counts, and the retry / rejection / failure paths.
 * Backoff and Retry-After waits are scaled by PINTEREST_RETRY_TIME_SCALE=0.001 (1 s → 1 ms).
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  assertEchoedPrefix,
  countBy,
  describeRun,
  echoedStates,
  eventsRequests,
  expectAcceptedExactly,
  fakePerTest,
  generateOrders,
  logTexts,
  ordersConfig,
  requestEventIds,
  runWrite,
  traceErrors,
} from './helpers/generated.js';

const newFake = fakePerTest();

// CLI runs are slow to start on a busy machine; the time bounds that matter are asserted inside the tests.
vi.setConfig({ testTimeout: 90_000 });




describe.concurrent('clean delivery', () => {
  it('delivers every record once, echoes every state once, in input order, unchanged, with destinationStats (slow, out-of-order answers)', async () => {
    const fake = await newFake();
    const input = generateOrders(2500, 500);
    // Slow answers, the first slower than the second (batch 2 is usually confirmed first): states stay in input order.
    fake.script([{ delayMs: 700 }, { delayMs: 300 }]);
    const r = await runWrite(fake, ordersConfig({ max_concurrent_requests: 2 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    // The deterministic ids (order_id + event_time rule), each exactly once: a rerun of the same rows gives the same ids.
    expectAcceptedExactly(fake, input.ids);
    // 2,500 events → 1,000 + 1,000 + 500; slow is not failed: no retry.
    expect(eventsRequests(fake).map((q) => requestEventIds(q.body).length)).toEqual([1000, 1000, 500]);
    const states = echoedStates(r.messages);
    expect(states.map((s) => s.id)).toEqual([1, 2, 3, 4, 5]);
    for (const [k, s] of states.entries()) {
      expect(s).toEqual({
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: (k + 1) * 500 } },
        sourceStats: { recordCount: 500 },
        id: k + 1,
        destinationStats: { recordCount: 500, rejectedRecordCount: 0 },
      });
    }
    expect(r.stderr).toBe('');
  });
  it('a busy sync at max_concurrent_requests 16: the in-flight limit grows past 8, at most 16, every event once, no Node warning in the log', async () => {
    // Answers slow enough that the first 8 batches are in flight together even when the machine is busy; every
    // answer then adds a slot while the limit is reached (slow start), and the next round of batches is built within
    // one answer's time. 24 batches: a second round larger than the first.
    const fake = await newFake({ latencyMs: 3000 });
    const input = generateOrders(24_000, 1000);
    const r = await runWrite(fake, ordersConfig({ max_concurrent_requests: 16, requests_per_minute: 120_000 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    expect(fake.counters.maxInFlight).toBeLessThanOrEqual(16);
    expect(fake.counters.maxInFlight).toBeGreaterThan(8);
    expect(logTexts(r.messages).filter((t) => t.startsWith('Node.js warning'))).toEqual([]);
    expect(echoedStates(r.messages)).toHaveLength(24);
  });
});

describe.concurrent('transient failures are retried with the same event_ids', () => {
  it('429 without Retry-After: backoff, then the same batch again', async () => {
    const fake = await newFake();
    const input = generateOrders(1500, 500);
    fake.script([{ status: 429 }, {}, { status: 429 }, { status: 429 }]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    const reqs = eventsRequests(fake);
    expect(reqs.map((q) => q.status)).toEqual([429, 200, 429, 429, 200]);
    expect(requestEventIds(reqs[1].body)).toEqual(requestEventIds(reqs[0].body));
    expect(requestEventIds(reqs[3].body)).toEqual(requestEventIds(reqs[2].body));
    expect(requestEventIds(reqs[4].body)).toEqual(requestEventIds(reqs[2].body));
    expect(echoedStates(r.messages).map((s) => [s.id, s.destinationStats.recordCount])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(logTexts(r.messages).some((t) => /Retrying a request after a transient failure: HTTP 429/.test(t))).toBe(true);
  });

  it('429 honours Retry-After, else X-RateLimit-Reset (scaled), instead of the short backoff', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    // 400 s → 400 ms and 300 s → 300 ms at scale 0.001; the first backoffs would be at most 1-2 ms.
    fake.script([{ status: 429, retryAfter: 400 }, { status: 429, rateLimitReset: 300 }]);
    // 700 s of waits: more than the default 600 s budget.
    const r = await runWrite(fake, ordersConfig({ max_retry_seconds: 3600 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    const [a, b, c] = eventsRequests(fake);
    expect(b.receivedAt - a.receivedAt).toBeGreaterThanOrEqual(380);
    expect(c.receivedAt - b.receivedAt).toBeGreaterThanOrEqual(280);
  });

  it('a Retry-After longer than max_retry_seconds ends the run at once instead of sleeping past the budget', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    fake.script([{ status: 429, retryAfter: 120 }]);
    const r = await runWrite(fake, ordersConfig({ max_retry_seconds: 60 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(traceErrors(r.messages).map((t) => t.trace.error.failure_type)).toEqual(['transient_error']);
    expect(eventsRequests(fake)).toHaveLength(1);
  });

  it('500, 502 (HTML body), 503, a connection reset before any answer and a socket destroyed mid-response are all retried', async () => {
    const fake = await newFake();
    const input = generateOrders(20, 10);
    fake.script([{ status: 500 }, { status: 502 }, { status: 503 }, { destroySocket: 'before-response' }, { destroySocket: 'mid-response' }]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    // The destroyed requests recorded nothing: each event accepted exactly once, by the sixth request.
    expectAcceptedExactly(fake, input.ids);
    const reqs = eventsRequests(fake);
    expect(reqs).toHaveLength(6);
    for (const q of reqs) expect(requestEventIds(q.body)).toEqual(input.ids);
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([
      { recordCount: 10, rejectedRecordCount: 0 },
      { recordCount: 10, rejectedRecordCount: 0 },
    ]);
  });

  it('a lost response after Pinterest recorded the events: the retry re-sends the same event_ids (the documented duplicate)', async () => {
    const fake = await newFake();
    const input = generateOrders(30, 10);
    fake.script([{ destroySocket: 'mid-response', afterProcessing: true }]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    const counts = countBy(fake.acceptedEventIds());
    expect(new Set(counts.keys())).toEqual(new Set(input.ids));
    // Exactly one duplicate per event, all from the one retried request, with identical event bodies.
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
    expect(fake.counters.duplicateAcceptedEvents).toBe(30);
    const [a, b] = eventsRequests(fake);
    expect(b.body).toEqual(a.body);
    expect(echoedStates(r.messages).map((s) => s.destinationStats.recordCount)).toEqual([10, 10, 10]);
  });
});

describe.concurrent('per-event results', () => {
  it('maps failed events back to their records: rejected with the reason and position, counted per state; warnings logged once each', async () => {
    const fake = await newFake();
    const input = generateOrders(40, 10);
    const failed = [3, 4, 25];
    const warned = [1, 2, 12, 33];
    for (const i of failed) fake.failEventIds.add(input.ids[i]);
    for (const i of warned) fake.warnEventIds.add(input.ids[i]);
    // 3 of 40 rejected = 7.5 %: exactly at max_rejected_percent, which only fails the sync when exceeded.
    const r = await runWrite(fake, ordersConfig({ max_rejected_percent: 7.5 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(eventsRequests(fake)[0].status).toBe(422);
    expectAcceptedExactly(fake, input.ids.filter((_, i) => !failed.includes(i)));
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([
      { recordCount: 8, rejectedRecordCount: 2 },
      { recordCount: 10, rejectedRecordCount: 0 },
      { recordCount: 9, rejectedRecordCount: 1 },
      { recordCount: 10, rejectedRecordCount: 0 },
    ]);
    const logs = logTexts(r.messages);
    for (const i of failed) {
      // Named by stream, record number and event_id (derived here: the records carry none), the user's key.
      expect(logs).toContain(`record ${i + 1} of stream orders (derived event_id ${input.ids[i]}) rejected: Pinterest: Event could not be processed.`);
    }
    expect(logs.filter((t) => t === 'Pinterest warning: Some fields are not standard and were ignored.')).toHaveLength(1);
    // Never a value: no email, no hash of one; no event_id of a row that was not rejected.
    const text = logs.join('\n');
    expect(text).not.toMatch(/user\d+@example\.com/);
    expect(text).not.toContain(input.ids[5]);
  });

  it('a whole-request 400 caused by one poison event in 1,000: bisection delivers the 999, rejects the one, in ~2·log2(1000)+1 requests', async () => {
    const fake = await newFake();
    const input = generateOrders(1000, 250);
    const poison = 617;
    fake.poisonEventIds.add(input.ids[poison]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids.filter((_, i) => i !== poison));
    const n = eventsRequests(fake).length;
    expect(n).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 1);
    expect(n).toBeGreaterThan(10);
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([
      { recordCount: 250, rejectedRecordCount: 0 },
      { recordCount: 250, rejectedRecordCount: 0 },
      { recordCount: 249, rejectedRecordCount: 1 },
      { recordCount: 250, rejectedRecordCount: 0 },
    ]);
    const logs = logTexts(r.messages);
    expect(
      logs.some((t) => t.startsWith(`record ${poison + 1} of stream orders (derived event_id ${input.ids[poison]}) rejected: Pinterest: whole request refused (HTTP 400 (code 4196`)),
    ).toBe(true);
  });

  it('every event of a batch refused even alone: the sync stops with system_error after a bounded number of requests', async () => {
    const fake = await newFake();
    const input = generateOrders(1000, 250);
    for (const id of input.ids) fake.poisonEventIds.add(id);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('system_error');
    expect(traces[0].trace.error.message).toMatch(/^Pinterest refuses every event of a batch, even one at a time \(HTTP 400 \(code 4196/);
    expect(r.messages.at(-1).type).toBe('TRACE');
    // Depth-first down to the first leaf (10 splits), 8 single events, then one probe of each of the 7 right halves not
    // reached yet (they cover the rest of the batch): far from the ~2,000 of a full bisection.
    expect(eventsRequests(fake).length).toBeLessThanOrEqual(30);
    expect(fake.accepted).toHaveLength(0);
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('max_rejected_percent: going over it fails the sync with config_error, TRACE last', async () => {
    const fake = await newFake();
    const input = generateOrders(100, 50);
    for (let i = 0; i < 100; i += 5) fake.failEventIds.add(input.ids[i]); // 20 %
    const r = await runWrite(fake, ordersConfig({ max_rejected_percent: 10 }), input.lines);
    expect(r.code, describeRun(r)).not.toBe(0);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toMatch(/20 of 100 records \(20\.0%\).*max_rejected_percent \(10%\)/);
    expect(r.messages.at(-1).type).toBe('TRACE');
    // No state is saved: after fixing the mapping, the next sync sends these records again.
    expect(echoedStates(r.messages)).toEqual([]);
  });
});

describe.concurrent('a failure that outlasts the retries', () => {
  it('ends with one TRACE transient_error as the last line, non-zero exit, states before the failure echoed and none after', async () => {
    const fake = await newFake();
    // Batches of 1,000 (one state per 500 records): batch 1 succeeds, batch 2 keeps failing (1 + max_retries 3 = 4 attempts).
    const input = generateOrders(3000, 500);
    fake.script([{}, { status: 503 }, { status: 500 }, { status: 429 }, { status: 503 }]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 3 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('transient_error');
    expect(typeof traces[0].trace.emitted_at).toBe('number');
    expect(traces[0].trace.error.message).toMatch(/after 4 attempts/);
    expect(r.messages.at(-1)).toEqual(traces[0]);
    expect(eventsRequests(fake).map((q) => q.status)).toEqual([200, 503, 500, 429, 503]);
    expectAcceptedExactly(fake, input.ids.slice(0, 1000));
    const states = echoedStates(r.messages);
    expect(states.map((s) => s.id)).toEqual([1, 2]);
    assertEchoedPrefix(input, states, new Set(fake.acceptedEventIds()));
  });

  it('with concurrent batches: states before the failed batch are echoed, none behind it although later batches succeeded', async () => {
    const fake = await newFake();
    const input = generateOrders(4000, 500);
    // Concurrency 4: batch 1 succeeds, batch 2 fails for good (max_retries 0), batches 3 and 4 succeed. Batches in
    // flight together may reach the fake in any order, so the fault is tied to batch 2's first event.
    fake.script([{ status: 503, delayMs: 1500, forEventId: input.ids[1000] }]); // slow enough for batches 3 and 4 to be sent meanwhile
    const r = await runWrite(fake, ordersConfig({ max_retries: 0, max_concurrent_requests: 4 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(eventsRequests(fake).map((q) => q.status).sort()).toEqual([200, 200, 200, 503]);
    expect(new Set(fake.acceptedEventIds())).toEqual(new Set([...input.ids.slice(0, 1000), ...input.ids.slice(2000)]));
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1, 2]);
    expect(r.messages.at(-1).type).toBe('TRACE');
    expect(traceErrors(r.messages).map((t) => t.trace.error.failure_type)).toEqual(['transient_error']);
  });

  it('network errors that persist (nothing listening) end as transient_error', async () => {
    const fake = await newFake();
    const input = generateOrders(5, 5);
    const r = await runWrite({ url: 'http://127.0.0.1:9/v5' }, ordersConfig({ max_retries: 2 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(traceErrors(r.messages).map((t) => t.trace.error.failure_type)).toEqual(['transient_error']);
    expect(echoedStates(r.messages)).toEqual([]);
    expect(r.messages.at(-1).type).toBe('TRACE');
  });
});

describe.concurrent('credentials that do not work', () => {
  it('a dead conversion token ends the run with config_error telling the user to generate a new token; no retries', async () => {
    const fake = await newFake();
    const input = generateOrders(20, 10);
    const r = await runWrite(fake, ordersConfig({ credentials: { auth_type: 'access_token', access_token: 'revoked-conversion-token' } }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toMatch(/generate a new conversion access token/);
    expect(traces[0].trace.error.message).not.toContain('revoked-conversion-token');
    expect(r.messages.at(-1)).toEqual(traces[0]);
    expect(eventsRequests(fake)).toHaveLength(1);
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('a 403 on the ad account is a config_error naming the account and the fix', async () => {
    const fake = await newFake();
    const input = generateOrders(5, 5);
    const r = await runWrite(fake, ordersConfig({ ad_account_id: '549755885176' }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const [t] = traceErrors(r.messages);
    expect(t.trace.error.failure_type).toBe('config_error');
    expect(t.trace.error.message).toMatch(/549755885176.*(role|access)/);
    expect(eventsRequests(fake)).toHaveLength(1);
  });
});
