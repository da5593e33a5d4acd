/**
 * A Pinterest that misbehaves, through the real CLI (`node dist/main.js write`): answers that do not account for every
 * event, bisection of batches whose bad rows are clustered, servers that trickle or never stop answering. Nothing is
 * counted as delivered without Pinterest's word for each event, and nothing holds the sync past its time budget.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  describeRun,
  echoedStates,
  eventsRequests,
  expectAcceptedExactly,
  fakePerTest,
  generateOrders,
  logTexts,
  oauthOrdersConfig,
  ordersConfig,
  requestEventIds,
  runWrite,
  traceErrors,
} from './helpers/generated.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 90_000 });

describe.concurrent('answers that do not account for every event settle nothing', () => {
  it('{} , [], a short events list, an unknown status and a 422 without details are retried until a full answer comes', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 5);
    const processed = { status: 'processed', error_message: null, warning_message: null };
    fake.script([
      { status: 200, body: {} },
      { status: 200, body: [] },
      { status: 200, body: { num_events_received: 10, num_events_processed: 9, events: Array(9).fill(processed) } },
      { status: 200, body: { num_events_received: 10, num_events_processed: 10, events: [...Array(9).fill(processed), { status: 'queued' }] } },
      { status: 422, body: { code: 4198, message: 'Not all events were successfully processed.', details: {} } },
    ]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 5 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    const reqs = eventsRequests(fake);
    expect(reqs.map((q) => q.status)).toEqual([200, 200, 200, 200, 422, 200]);
    for (const q of reqs) expect(requestEventIds(q.body)).toEqual(input.ids);
    expectAcceptedExactly(fake, input.ids);
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([
      { recordCount: 5, rejectedRecordCount: 0 },
      { recordCount: 5, rejectedRecordCount: 0 },
    ]);
    const logs = logTexts(r.messages);
    for (const why of [
      'HTTP 200 without per-event statuses',
      'HTTP 200 with a body that is not a JSON object',
      'HTTP 200 with per-event statuses for 9 of 10 events',
      'HTTP 200 with a per-event status other than "processed" or "failed"',
      'HTTP 422 without per-event statuses',
    ]) {
      expect(logs.filter((t) => t.startsWith(`Retrying a request after a transient failure: ${why}`)), why).toHaveLength(1);
    }
    expect(logs.filter((t) => / rejected: /.test(t))).toEqual([]);
  });

  it('a 200 {} that persists fails the sync with transient_error; its states are not echoed, no event counted', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 5);
    fake.script([{ status: 200, body: {} }, { status: 200, body: {} }, { status: 200, body: {} }]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 2 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces.map((t) => t.trace.error.failure_type)).toEqual(['transient_error']);
    expect(traces[0].trace.error.message).toMatch(/^Pinterest did not accept a batch after 3 attempts over \d+ s \(last: HTTP 200 without per-event statuses \[x-pinterest-rid /);
    expect(r.messages.at(-1).type).toBe('TRACE');
    expect(echoedStates(r.messages)).toEqual([]);
    expect(eventsRequests(fake)).toHaveLength(3);
  });

  it('a 422 without per-event details that persists rejects nothing: transient_error, no state echoed', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    const bare422 = { status: 422, body: { code: 4198, message: 'Not all events were successfully processed.' } };
    fake.script([bare422, bare422]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 1 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(traceErrors(r.messages).map((t) => [t.trace.error.failure_type, /last: HTTP 422 without per-event statuses/.test(t.trace.error.message)])).toEqual([
      ['transient_error', true],
    ]);
    expect(echoedStates(r.messages)).toEqual([]);
    expect(logTexts(r.messages).filter((t) => / rejected: /.test(t))).toEqual([]);
  });
});

describe.concurrent('bisection decides "systematic" from evidence across the batch', () => {
  it('a broken partition (the first 40 rows of a batch refused even alone) rejects those 40 and delivers the other 960', async () => {
    const fake = await newFake();
    const input = generateOrders(1000, 250);
    const bad = input.ids.slice(0, 40);
    for (const id of bad) fake.poisonEventIds.add(id);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expectAcceptedExactly(fake, input.ids.slice(40));
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([
      { recordCount: 210, rejectedRecordCount: 40 },
      { recordCount: 250, rejectedRecordCount: 0 },
      { recordCount: 250, rejectedRecordCount: 0 },
      { recordCount: 250, rejectedRecordCount: 0 },
    ]);
    // No range is sent twice: the probe's answers are reused by the walk.
    const ranges = eventsRequests(fake).map((q) => requestEventIds(q.body).join(','));
    expect(new Set(ranges).size).toBe(ranges.length);
    const logs = logTexts(r.messages);
    expect(logs.filter((t) => /^record \d+ of stream orders \(derived event_id [0-9a-f]+\) rejected: Pinterest: whole request refused \(HTTP 400 \(code 4196/.test(t))).toHaveLength(10);
  });
});

describe.concurrent('no answer holds a request past its deadline or fills the memory', () => {
  it('a server trickling one byte every 200 ms (never idle long enough for a body timeout) is cut off at its deadline (10 s when max_retry_seconds leaves less)', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 5);
    fake.script([{ trickleMs: 200 }, { trickleMs: 200 }]);
    const started = Date.now();
    const r = await runWrite(fake, ordersConfig({ max_retry_seconds: 2 }), input.lines);
    const tookMs = Date.now() - started;
    expect(r.code, describeRun(r)).toBe(1);
    const traces = traceErrors(r.messages);
    expect(traces.map((t) => t.trace.error.failure_type)).toEqual(['transient_error']);
    // One attempt: its deadline is what is left of the 2 s budget, raised to the 10 s floor; then the budget is spent.
    expect(traces[0].trace.error.message).toMatch(/^Pinterest did not accept a batch after 1 attempts over 1[01] s \(last: no complete answer within 10 s \(the server kept the request open\)\)/);
    expect(echoedStates(r.messages)).toEqual([]);
    expect(eventsRequests(fake)[0].bytesSent).toBeGreaterThanOrEqual(5); // it did keep sending, past any idle timeout
    expect(tookMs).toBeLessThan(30_000);
  });

  it('an answer larger than 8 MiB is abandoned where the limit is passed and retried; the retry delivers', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    fake.script([{ bodyBytes: 32 * 1024 * 1024 }]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expectAcceptedExactly(fake, input.ids);
    const [big] = eventsRequests(fake);
    expect(big.bytesSent).toBeLessThan(24 * 1024 * 1024);
    expect(logTexts(r.messages)).toContain(
      'Retrying a request after a transient failure: an answer larger than 8 MiB (reading stopped there; no Pinterest answer is that large)',
    );
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 10, rejectedRecordCount: 0 }]);
  });

  it('the OAuth token endpoint is held to the same limit: oversized answers are retried, then transient_error; nothing sent', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    const huge = { bodyBytes: 10 * 1024 * 1024 };
    // Enough for every refresh of the run (the start-of-sync reads refresh too): each one gives up after 4 attempts.
    fake.scriptOAuth(Array(12).fill(huge));
    const r = await runWrite(fake, oauthOrdersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(traceErrors(r.messages).map((t) => [t.trace.error.failure_type, t.trace.error.message])).toEqual([
      [
        'transient_error',
        'Could not refresh the OAuth access token: Pinterest kept failing (an answer larger than 8 MiB (reading stopped there; no Pinterest answer is that large)).',
      ],
    ]);
    expect(fake.counters.oauthRequests % 4).toBe(0);
    expect(eventsRequests(fake)).toEqual([]);
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('oversized answers that persist end the sync with transient_error naming the limit', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 10);
    fake.script([{ bodyBytes: 10 * 1024 * 1024 }, { bodyBytes: 10 * 1024 * 1024 }]);
    const r = await runWrite(fake, ordersConfig({ max_retries: 1 }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(traceErrors(r.messages).map((t) => [t.trace.error.failure_type, /\(last: an answer larger than 8 MiB/.test(t.trace.error.message)])).toEqual([
      ['transient_error', true],
    ]);
    expect(echoedStates(r.messages)).toEqual([]);
  });
});
