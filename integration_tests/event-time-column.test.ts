/**
 * A stream that maps no event_time but has an event_time column: a record without the column (sources may omit null
 * columns from a record) is rejected like one whose column is empty, not dated by its emitted_at. A stream whose
 * records never have the column uses emitted_at. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const REASON =
  "event_time: the record's event_time column is empty (stamping it with the time Airbyte read it would misdate the conversion)";

const config = {
  ad_account_id: '549755885175',
  credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
  default_event_name: 'checkout',
  field_mapping: [{ source_field: 'mail', destination_field: 'email' }],
};
const stream = (name: string) => ({
  stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] },
  sync_mode: 'full_refresh',
  destination_sync_mode: 'append',
});
const catalog = { streams: [stream('orders'), stream('visits')] };

describe('event_time column read by its name, absent from some records', () => {
  let fake: FakePinterest;
  let result: CliResult;

  beforeAll(async () => {
    fake = await startFakePinterest();
    const nowS = Math.floor(Date.now() / 1000);
    const records: Array<[string, Record<string, unknown>]> = [
      ['orders', { mail: 'a@example.com', order_id: 'O-1', event_time: nowS - 600 }],
      ['orders', { mail: 'b@example.com', order_id: 'O-2' }],
      ['orders', { mail: 'c@example.com', order_id: 'O-3', event_time: null }],
      ['visits', { mail: 'd@example.com', page: 'P-1' }],
    ];
    const stdin = records
      .map(([s, data]) => JSON.stringify({ type: 'RECORD', record: { stream: s, data, emitted_at: (nowS - 300) * 1000 } }))
      .join('\n');
    result = await runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog)], {
      stdin,
      env: { PINTEREST_API_BASE_URL: fake.url },
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('rejects the records of a stream with the column that lack it or leave it empty; uses emitted_at where no record has it', () => {
    expect(result.code).toBe(0);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs).toContain(`record 2 of stream orders rejected: ${REASON}`);
    expect(logs).toContain(`record 3 of stream orders rejected: ${REASON}`);
    expect(logs).toContain(
      "Stream visits maps no event_time and its records have no event_time column: each record's emitted_at (the time Airbyte read it) is used as the event time.",
    );
    expect(logs.some((l) => l.startsWith('Progress: 4 records read, 2 events sent, 2 accepted, 2 rejected,'))).toBe(true);
  });
});

describe('a stream dated by emitted_at, with records whose emitted_at is missing or not a number', () => {
  let fake: FakePinterest;
  let result: CliResult;
  beforeAll(async () => {
    fake = await startFakePinterest();
    const nowMs = Date.now();
    const lines = [
      { stream: 'visits', data: { mail: 'a@example.com', page: 'P-1' }, emitted_at: nowMs - 60_000 },
      { stream: 'visits', data: { mail: 'b@example.com', page: 'P-2' } },
      { stream: 'visits', data: { mail: 'c@example.com', page: 'P-3' }, emitted_at: 'yesterday' },
      { stream: 'visits', data: { mail: 'd@example.com', page: 'P-4' }, emitted_at: -1 },
    ].map((record) => JSON.stringify({ type: 'RECORD', record }));
    result = await runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog)], {
      stdin: lines.join('\n') + '\n',
      env: { PINTEREST_API_BASE_URL: fake.url },
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('rejects each of them alike, never dating a conversion with the time of the sync (a reviewer found the missing one dated now)', () => {
    expect(result.code).toBe(0);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    for (const n of [2, 3, 4]) expect(logs).toContain(`record ${n} of stream visits rejected: event_time: missing and the record has no usable emitted_at`);
    expect(fake.accepted).toHaveLength(1);
  });
});
