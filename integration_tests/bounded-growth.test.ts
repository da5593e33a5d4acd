/**
 * What grows with the data must be bounded, through the real CLI against the fake API: identifier, content_ids and
 * contents lists of a single record, and the per-reason / per-warning counters fed by messages that differ on every row.
 * Build first: `npm run build`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  describeRun,
  echoedStates,
  fakePerTest,
  generateOrders,
  logTexts,
  ordersConfig,
  requestEventIds,
  runWrite,
  traceErrors,
  eventsRequests,
} from './helpers/generated.js';

const newFake = fakePerTest();

vi.setConfig({ testTimeout: 90_000 });

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe.concurrent('bounded growth', () => {
  it('a record with 80,000 distinct emails sends the first 100 (hashed, in order) with one warning', async () => {
    const fake = await newFake();
    const t = Math.floor(Date.now() / 1000) - 60;
    const emails = Array.from({ length: 80_000 }, (_, i) => `person${i}@example.com`);
    const lines = [
      JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data: { email: emails, order_id: 'o1', event_time: t }, emitted_at: Date.now() } }),
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 1 } }, id: 1 } }),
    ];
    const r = await runWrite(fake, ordersConfig(), lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expect(fake.accepted).toHaveLength(1);
    const em = (fake.accepted[0].event.user_data as { em: string[] }).em;
    expect(em).toEqual(emails.slice(0, 100).map(sha256));
    expect(logTexts(r.messages)).toContain(
      'email: more than 100 values; the first 100 distinct ones kept (stream orders) (first seen at record 1 of stream orders)',
    );
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 1, rejectedRecordCount: 0 }]);
  });

  it('records with 80,000 content_ids and 80,000 contents send the first 100 of each; one warning per field and stream, every record counted', async () => {
    const fake = await newFake();
    const t = Math.floor(Date.now() / 1000) - 60;
    const ids = Array.from({ length: 80_000 }, (_, i) => `sku-${i}`);
    const contents = ids.map((id, i) => ({ id, quantity: 1 + (i % 3) }));
    const line = (n: number, data: object) => JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data: { email: `p${n}@example.com`, order_id: `o${n}`, event_time: t, ...data }, emitted_at: Date.now() } });
    const lines = [
      line(1, { content_ids: ids, contents }),
      // Text forms (comma-separated, JSON), within the 64 KiB a text value may hold.
      line(2, { content_ids: ids.slice(0, 5000).join(','), contents: JSON.stringify(contents.slice(0, 1000)) }),
      line(3, { content_ids: ids.slice(0, 100), contents: contents.slice(0, 100) }),
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 1 } }, id: 1 } }),
    ];
    const config = ordersConfig();
    (config.field_mapping as object[]).push({ source_field: 'content_ids', destination_field: 'content_ids' }, { source_field: 'contents', destination_field: 'contents' });
    const r = await runWrite(fake, config, lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(traceErrors(r.messages)).toEqual([]);
    expect(fake.accepted).toHaveLength(3);
    for (const a of fake.accepted) {
      const custom = a.event.custom_data as { content_ids: string[]; contents: object[] };
      expect(custom.content_ids).toEqual(ids.slice(0, 100));
      expect(custom.contents).toEqual(contents.slice(0, 100));
    }
    const logs = logTexts(r.messages);
    expect(logs.filter((l) => l.includes('more than 100') && !l.startsWith('Warnings'))).toEqual([
      'content_ids: more than 100 values; the first 100 kept (stream orders) (first seen at record 1 of stream orders)',
      'contents: more than 100 items; the first 100 kept (stream orders) (first seen at record 1 of stream orders)',
    ]);
    const warnings = logs.find((l) => l.startsWith('Warnings (grouped by kind'))!.split('\n');
    expect(warnings).toContain('  2 × content_ids: more than 100 values; the first 100 kept (stream orders)');
    expect(warnings).toContain('  2 × contents: more than 100 items; the first 100 kept (stream orders)');
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 3, rejectedRecordCount: 0 }]);
  });

  it('1,000 events refused with 1,000 different messages: 200 reasons counted apart, the other 800 together', async () => {
    const fake = await newFake();
    const input = generateOrders(1000, 1000);
    // Messages that differ in words, not only in a number, as a server echoing values would send them.
    const word = (i: number) => String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26), 97 + Math.floor(i / 676));
    const events = input.ids.map((_, i) => ({ status: 'failed', error_message: `Rule ${word(i)} refused this event.`, warning_message: null }));
    fake.script([
      { status: 422, body: { code: 4198, message: 'Not all events were successfully processed.', details: { num_events_received: 1000, num_events_processed: 0, events } } },
    ]);
    const r = await runWrite(fake, ordersConfig(), input.lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(requestEventIds(eventsRequests(fake)[0].body)).toEqual(input.ids);
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 0, rejectedRecordCount: 1000 }]);
    const summary = logTexts(r.messages).find((t) => t.startsWith('Rejected records by reason (1000 in all;'))!;
    const lines = summary.split('\n').slice(1);
    expect(lines).toHaveLength(201);
    expect(lines[0]).toMatch(/^ {2}800 × other reasons \(more than 200 distinct ones; each of the first 10 was logged where it occurred\) — first: record 201 of stream orders \(derived event_id [0-9a-f]+\)$/);
    expect(lines.slice(1).every((l) => /^ {2}1 × Pinterest: Rule [a-z]{3} refused this event\. — first: record \d+ of stream orders \(derived event_id [0-9a-f]+\)$/.test(l))).toBe(true);
  });
});
