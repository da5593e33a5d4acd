/**
 * Every row accounted for, through the real CLI against the fake Pinterest API: a malformed input line ends the sync
 * after the states before it (never skipped), rejections name their row by event_id, reasons are grouped, deep
 * nesting and long lines are handled, and counts add up whatever mix of states and namespaces a client sends.
 * Build first: `npm run build`.
 */
import { describe, expect, it, vi } from 'vitest';
import { MAX_LINE_LENGTH } from '../src/airbyte/input.js';
import { describeRun, echoedStates, fakePerTest, generateOrders, logTexts, ordersConfig, runWrite, traceErrors } from './helpers/generated.js';
import { runCli, writeTempJson } from './helpers/run-cli.js';

const newFake = fakePerTest();
vi.setConfig({ testTimeout: 90_000 });

const nowSec = () => Math.floor(Date.now() / 1000);
/** A STREAM state of the orders stream. */
const state = (id: number) => JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' } }, id } });

/** The TRACE of a run that ended at a malformed line, checked for what every such run must show. */
function inputTrace(r: Awaited<ReturnType<typeof runWrite>>): string {
  expect(r.code, describeRun(r)).toBe(1);
  const traces = traceErrors(r.messages);
  expect(traces).toHaveLength(1);
  expect(traces[0].trace.error.failure_type).toBe('system_error');
  expect(r.messages.at(-1)).toBe(traces[0]); // nothing after it
  return traces[0].trace.error.message as string;
}

const stopped =
  '(its content is not shown). The sync stopped there: the states before it whose records were all delivered were saved, nothing after it was read. ' +
  'The source connector or the Airbyte platform sent this line: rerun the sync, and report it to them if it happens again.';

describe.concurrent('a malformed input line ends the sync after the states before it', () => {
  it('a line that is not JSON mid-stream: states before it echoed, one TRACE naming the line, nothing after', async () => {
    const fake = await newFake();
    const input = generateOrders(10, 5); // lines 1-5 records, 6 state 1, 7-11 records, 12 state 2
    const after = generateOrders(3, 3, { firstStateId: 3 });
    const lines = [...input.lines, '{"type":"RECORD","record":{"stream":"orders","data":{"email":"leak@example.com" oops', ...after.lines];
    const r = await runWrite(fake, ordersConfig(), lines);
    expect(inputTrace(r)).toBe(`Input line 13 is not valid JSON ${stopped}`);
    expect(echoedStates(r.messages).map((s) => [s.id, s.destinationStats.recordCount])).toEqual([
      [1, 5],
      [2, 5],
    ]);
    expect(fake.acceptedEventIds().sort()).toEqual([...input.ids].sort()); // nothing after the bad line was sent
    expect(r.stdout).not.toContain('leak@example.com');
    expect(r.stdout).not.toContain('oops');
  });

  it('a STATE whose "state" is "oops" ends the sync; the state before it is echoed', async () => {
    const fake = await newFake();
    const input = generateOrders(3, 3);
    const r = await runWrite(fake, ordersConfig(), [...input.lines, '{"type":"STATE","state":"oops"}', ...generateOrders(2, 2, { firstStateId: 2 }).lines]);
    expect(inputTrace(r)).toBe(`Input line 5 is a STATE whose "state" is not a JSON object ${stopped}`);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1]);
    expect(fake.acceptedEventIds()).toHaveLength(3);
  });

  it('a last line cut off by the end of the input ends the sync as a malformed line', async () => {
    const fake = await newFake();
    const input = generateOrders(3, 3);
    const stdin = input.lines.join('\n') + '\n' + '{"type":"RECORD","record":{"stream":"orders","data":{"email":"a@';
    const r = await runWrite(fake, ordersConfig(), [], { stdin });
    expect(inputTrace(r)).toBe(`Input line 5 was cut off: the input ended in the middle of it ${stopped}`);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1]);
  });

  it('a complete last line without a line break is read normally', async () => {
    const fake = await newFake();
    const input = generateOrders(3, 3);
    const r = await runWrite(fake, ordersConfig(), [], { stdin: input.lines.join('\n') });
    expect(r.code, describeRun(r)).toBe(0);
    expect(echoedStates(r.messages).map((s) => s.id)).toEqual([1]);
  });

  it('a line over the 64 MiB limit ends the sync naming the line and the limit; a 30 MB line before it is read', async () => {
    const fake = await newFake();
    const big = (n: number, stream = 'orders') => `{"type":"RECORD","record":{"stream":"${stream}","data":{"email":"big@example.com","order_id":"big","event_time":${nowSec() - 60},"pad":"${'x'.repeat(n)}"},"emitted_at":1}}`;
    const stdin = [big(30_000_000), state(1), big(MAX_LINE_LENGTH), state(2)].join('\n') + '\n';
    const r = await runWrite(fake, ordersConfig(), [], { stdin, timeoutMs: 80_000 });
    expect(inputTrace(r)).toBe(`Input line 3 is longer than the limit of 64 MiB (67108864 bytes) ${stopped}`);
    expect(echoedStates(r.messages).map((s) => [s.id, s.destinationStats.recordCount])).toEqual([[1, 1]]);
  });
});

describe.concurrent('rows named and counted', () => {
  const catalog = (mode = 'append') => ({
    streams: [{ stream: { name: 'orders', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: mode, primary_key: [['order_id']] }],
  });
  const config = ordersConfig({
    field_mapping: [
      { source_field: 'email', destination_field: 'email' },
      { source_field: 'order_ref', destination_field: 'event_id' },
      { source_field: 'event_time', destination_field: 'event_time' },
    ],
  });
  const record = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data, emitted_at: Date.now(), ...extra } });
  const write = (fake: { url: string }, lines: string[], cat = catalog()) =>
    runCli(['write', '--config', writeTempJson(config, 'config'), '--catalog', writeTempJson(cat, 'catalog')], {
      stdin: lines.join('\n') + '\n',
      env: { PINTEREST_API_BASE_URL: fake.url, PINTEREST_RETRY_TIME_SCALE: '0.001' },
      timeoutMs: 60_000,
    });

  it('each rejection line names stream, record number and event_id (derived when the connector made it); reasons grouped', async () => {
    const fake = await newFake();
    const old = nowSec() - 8 * 24 * 3600;
    const lines = [
      record({ email: 'a@example.com', order_ref: 'A-1001', event_time: nowSec() + 3600 }), // mapping: future
      record({ email: 'b@example.com', order_id: 7, event_time: nowSec() + 3600 }), // mapping: future, no event_id yet
      ...Array.from({ length: 12 }, (_, i) => record({ email: `c${i}@example.com`, order_ref: `B-${2000 + i}`, event_time: old })), // Pinterest: stale
      record({ email: 'd@example.com', order_id: 8, event_time: old }), // Pinterest: stale, derived id
      state(1),
    ];
    const r = await write(fake, lines);
    expect(r.code, describeRun(r)).toBe(0);
    const logs = logTexts(r.messages);
    const rejected = logs.filter((l) => l.includes(' rejected: '));
    expect(rejected[0]).toBe('record 1 of stream orders (event_id A-1001) rejected: event_time: in the future');
    expect(rejected[1]).toBe('record 2 of stream orders rejected: event_time: in the future');
    expect(rejected[2]).toBe('record 3 of stream orders (event_id B-2000) rejected: Pinterest: event_time is more than 7 days in the past.');
    expect(rejected).toHaveLength(2 + 10); // 10 per reason, then only counted
    const summary = logs.find((l) => l.startsWith('Rejected records by reason'));
    expect(summary).toBe(
      'Rejected records by reason (15 in all; the first row of each named):\n' +
        '  13 × Pinterest: event_time is more than 7 days in the past. — first: record 3 of stream orders (event_id B-2000)\n' +
        '  2 × event_time: in the future — first: record 1 of stream orders (event_id A-1001)',
    );
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 0, rejectedRecordCount: 15 }]);
  });

  it('a derived event_id is named as such', async () => {
    const fake = await newFake({ failEventIds: [] });
    const old = nowSec() - 8 * 24 * 3600;
    const r = await write(fake, [record({ email: 'd@example.com', order_id: 8, event_time: old }), state(1)]);
    const line = logTexts(r.messages).find((l) => l.includes(' rejected: '));
    expect(line).toMatch(/^record 1 of stream orders \(derived event_id [0-9a-f]{32,64}\) rejected: Pinterest: event_time is more than 7 days in the past\.$/);
  });

  it('a record nested deeper than the reader allows is rejected and counted, never skipped; deep records otherwise read', async () => {
    const fake = await newFake();
    const nested = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
    const deep = (depth: number, ref: string, note: string) =>
      `{"type":"RECORD","record":{"stream":"orders","data":{"email":"deep@example.com","order_ref":"${ref}","event_time":${nowSec() - 60},"note":"${note}","x":${nested(depth, '12345678901234567890')}},"emitted_at":1}}`;
    const lines = [deep(20_000, 'D-1', 'plain'), deep(5_000, 'D-2', '\\u0000'), state(1)];
    const r = await write(fake, lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(fake.acceptedEventIds()).toEqual(['D-1']);
    expect(logTexts(r.messages)).toContain(
      'record 2 of stream orders rejected: record nested deeper than 1000 levels of arrays and objects (with an integer beyond 2^53 and a \\u0000 escape)',
    );
    expect(echoedStates(r.messages).map((s) => s.destinationStats)).toEqual([{ recordCount: 1, rejectedRecordCount: 1 }]);
  });

  it('mixed STREAM and GLOBAL states and any namespace spelling: the counts add up to the records delivered', async () => {
    const fake = await newFake();
    const ok = (i: number, ns?: unknown) => record({ email: `m${i}@example.com`, order_ref: `M-${i}`, event_time: nowSec() - 60 }, ns === undefined ? {} : { namespace: ns });
    const global = (id: number) => JSON.stringify({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: {}, stream_states: [] }, id } });
    const streamState = (id: number, ns: unknown) => JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders', namespace: ns } }, id } });
    const lines = [ok(1), ok(2, null), ok(3, ''), streamState(1, null), ok(4, ''), global(2), ok(5), ok(6, null), global(3)];
    const r = await write(fake, lines);
    expect(r.code, describeRun(r)).toBe(0);
    const stats = echoedStates(r.messages).map((s) => [s.id, s.destinationStats.recordCount]);
    expect(stats).toEqual([
      [1, 3],
      [2, 1],
      [3, 2],
    ]);
    expect(fake.acceptedEventIds()).toHaveLength(6);
  });

  it('destination_sync_mode overwrite is treated as append, with one INFO line per stream', async () => {
    const fake = await newFake();
    const r = await write(fake, [record({ email: 'o@example.com', order_ref: 'O-1', event_time: nowSec() - 60 }), state(1)], catalog('overwrite'));
    expect(r.code, describeRun(r)).toBe(0);
    const info = r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'INFO' && String(m.log.message).includes('destination_sync_mode'));
    expect(info.map((m) => m.log.message)).toEqual([
      'Stream orders has destination_sync_mode overwrite: treated as append. Pinterest only adds conversion events, so they cannot be overwritten or de-duplicated by the destination; Pinterest de-duplicates events by event_id.',
    ]);
    expect(fake.acceptedEventIds()).toEqual(['O-1']);
  });
});
