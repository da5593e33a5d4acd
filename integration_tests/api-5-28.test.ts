/**
 * The events endpoint as of Pinterest API 5.28, through the real CLI and the fake: `custom_data.contents[].item_brand_id`,
 * the documented 404 for an unknown ad account, and the 10-requests-per-second limit on test requests.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  describeRun,
  echoedStates,
  eventsRequests,
  fakePerTest,
  generateOrders,
  ordersConfig,
  requestEventIds,
  runWrite,
  traceErrors,
} from './helpers/generated.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 90_000 });

const state = (id: number, recordCount: number) =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: id } }, sourceStats: { recordCount }, id } });

describe.concurrent('Pinterest API 5.28 events endpoint', () => {
  it('sends contents[].item_brand_id from item_brand_id or brand_id keys, and drops one longer than 64 characters with a warning', async () => {
    const fake = await newFake();
    const t = Math.floor(Date.now() / 1000) - 120;
    const record = (orderId: string, lines: unknown) =>
      JSON.stringify({ type: 'RECORD', record: { stream: 'orders', emitted_at: Date.now(), data: { email: `${orderId}@example.com`, order_id: orderId, event_time: t, value: 10, lines } } });
    const input = [
      record('o1', [{ sku: 'p1', brand_id: 'acme-01', price: 9.5, qty: 2 }]),
      record('o2', [{ id: 'p2', item_brand_id: 'b'.repeat(65), item_brand: 'Acme' }]),
      state(1, 2),
    ];
    const config = ordersConfig({ field_mapping: [...ordersConfig().field_mapping, { source_field: 'lines', destination_field: 'contents' }] });
    const r = await runWrite(fake, config, input);
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.accepted.map((a) => (a.event.custom_data as { contents: unknown }).contents)).toEqual([
      [{ id: 'p1', item_price: '9.5', quantity: 2, item_brand_id: 'acme-01' }],
      [{ id: 'p2', item_brand: 'Acme' }],
    ]);
    const logs = r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    expect(logs).toContain('contents.item_brand_id: longer than 64 characters; dropped (stream orders) (first seen at record 2 of stream orders)');
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 2, rejectedRecordCount: 0 }]);
  });

  it('a 404 from the events endpoint (ad account not found) is a config_error that says to check ad_account_id', async () => {
    const fake = await newFake();
    fake.tokens.get('demo-conversion-token')!.accounts.push('404404404');
    const input = generateOrders(5, 5);
    const r = await runWrite(fake, ordersConfig({ ad_account_id: '404404404' }), input.lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(eventsRequests(fake).map((q) => q.status)).toEqual([404]);
    const traces = traceErrors(r.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toBe(
      `Pinterest does not know ad account 404404404 (HTTP 404 (code 2: AdAccount not found.) [x-pinterest-rid ${fake.requests[0].rid}]). ` +
        'Check ad_account_id: it is the numeric ID shown in Ads Manager for the account the token belongs to.',
    );
    expect(echoedStates(r.messages)).toEqual([]);
  });

  it('with test_mode on, starts at most 10 requests a second even when requests_per_minute allows far more', async () => {
    const fake = await newFake();
    const input = generateOrders(3500, 3500);
    const r = await runWrite(fake, ordersConfig({ test_mode: true, requests_per_minute: 120_000, max_concurrent_requests: 4 }), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    const reqs = eventsRequests(fake);
    expect(reqs.map((q) => q.query.test)).toEqual(['true', 'true', 'true', 'true']);
    expect(reqs.map((q) => requestEventIds(q.body).length).sort((a, b) => b - a)).toEqual([1000, 1000, 1000, 500]);
    // Starts are 100 ms apart, so the last arrives at least 300 ms after the first started. The span allows 100 ms of
    // delay in seeing the first arrive on a busy machine; 120,000 requests a minute alone would allow about 2 ms.
    const times = reqs.map((q) => q.receivedAt).sort((a, b) => a - b);
    expect(times[3] - times[0]).toBeGreaterThanOrEqual(200);
    expect(fake.counters.testEventsProcessed).toBe(3500);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1]);
  });
});
