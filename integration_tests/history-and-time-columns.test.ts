/**
 * The first sync of a table with history: Pinterest takes conversions of the last 7 days only, so most rows of an
 * existing table come back rejected. The messages must name that cause (not "a field mapping is wrong"), the dry run
 * must warn about it ahead, and a stream that maps no event_time while its records carry time columns must be told
 * that every row is dated when Airbyte read it. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const DAY = 24 * 3600;
const nowS = Math.floor(Date.now() / 1000);
/** 10 orders: 8 placed 10 days ago (refused by Pinterest), 2 placed an hour ago. */
const orders = Array.from({ length: 10 }, (_, i) => ({
  order_id: `H-${i}`,
  email: `buyer${i}@example.com`,
  placed_at: i < 8 ? nowS - 10 * DAY : nowS - 3600,
}));
const line = (stream: string, data: Record<string, unknown>) =>
  JSON.stringify({ type: 'RECORD', record: { stream, data, emitted_at: Date.now() } });
const state = JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { c: 1 } } } });
const stdin = [...orders.map((o) => line('orders', o)), state].join('\n') + '\n';

const baseConfig = {
  ad_account_id: '549755885175',
  credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
  default_event_name: 'checkout',
  field_mapping: [{ source_field: 'placed_at', destination_field: 'event_time' }],
};
const catalog = {
  streams: [{ stream: { name: 'orders', json_schema: { type: 'object' } }, sync_mode: 'incremental', destination_sync_mode: 'append' }],
};
const ADVICE =
  '8 events had an event_time older than 7 days, which Pinterest is reported to refuse: Pinterest takes conversions of the last 7 days only, ' +
  'so on a first sync of a table with history, limit the source to the last 7 days (a view with a WHERE on the time column, or an incremental sync whose cursor starts 7 days back).';
const PINTEREST_REASON = '8 × Pinterest: event_time is more than 7 days in the past.';

const logsOf = (r: CliResult) => r.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));

describe('a first sync of a table with history', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterAll(async () => {
    await fake.close();
  });
  const write = (config: object, dryRun = false) =>
    runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog), ...(dryRun ? ['--dry-run'] : [])], {
      stdin,
      env: { PINTEREST_API_BASE_URL: fake.url },
    });

  it('with max_rejected_percent: fails naming Pinterest\'s reason and the 7-day window, not a mapping mistake; no state saved', async () => {
    const r = await write({ ...baseConfig, max_rejected_percent: 10 });
    expect(r.code).not.toBe(0);
    const traces = r.messages.filter((m) => m.type === 'TRACE');
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    expect(traces[0].trace.error.message).toBe(
      `Invalid configuration: 8 of 10 records (80.0%) were rejected, more than max_rejected_percent (10%). Most rejected records: ${PINTEREST_REASON} ${ADVICE} See the rejection reasons above.`,
    );
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
  });

  it('without it: the closing warning names the same cause', async () => {
    const r = await write(baseConfig);
    expect(r.code).toBe(0);
    expect(logsOf(r).at(-1)).toBe(
      '80.0% OF THE RECORDS WERE REJECTED (8 of 10), and their states were saved, so Airbyte will not send them again. ' +
        `Most rejected records: ${PINTEREST_REASON} ${ADVICE} ` +
        'Fix the cause, check it with write --dry-run, then re-sync these streams. Set max_rejected_percent to make such a sync fail instead.',
    );
  });

  it('a dry run warns ahead that a real sync would likely see those events rejected', async () => {
    const r = await write({ ...baseConfig, max_rejected_percent: 10 }, true);
    expect(r.code).toBe(0);
    const logs = logsOf(r);
    expect(logs).toContain(`${ADVICE} A dry run cannot apply Pinterest's own checks: a real sync would likely see these events rejected.`);
    expect(logs.at(-1)).toBe('DRY RUN: events were built and validated but nothing was sent to Pinterest and no state was echoed.');
  });
});

describe('a stream that maps no event_time while its records have time columns', () => {
  let fake: FakePinterest;
  let result: CliResult;
  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = { ...baseConfig, field_mapping: [{ source_field: 'email', destination_field: 'email' }] };
    const data = (i: number) => ({
      email: `buyer${i}@example.com`,
      placed_at: new Date((nowS - 3600) * 1000).toISOString(),
      createdOn: '2026-12-01',
      add_on: 'gift wrap', // "…_on" but not a time: not listed
      'someone@example.at': 'x', // not a column name: never logged
      _airbyte_extracted_at: nowS * 1000, // Airbyte's, not the conversion's
      _ab_cdc_updated_at: new Date(nowS * 1000).toISOString(), // a CDC source's replication time
      'Jane Doe signup date': '2026-12-01', // looks like a time column, but its name is not shown (counted)
      ordered_date: null, // empty: not listed
    });
    const cat = {
      streams: ['orders', 'visits'].map((name) => ({ stream: { name, json_schema: { type: 'object' } }, sync_mode: 'incremental', destination_sync_mode: 'append' })),
    };
    const input = [line('orders', data(1)), line('orders', data(2)), line('visits', { email: 'v@example.com', page: 'home' })].join('\n') + '\n';
    result = await runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(cat)], { stdin: input, env: { PINTEREST_API_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('warns once, naming the time columns (never values), where the records have them; a plain INFO line where they have none', () => {
    expect(result.code).toBe(0);
    const logs = logsOf(result);
    const warned = result.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN' && String(m.log.message).startsWith('Stream orders maps no event_time'));
    expect(warned.map((m) => m.log.message)).toEqual([
      "Stream orders maps no event_time, so each record's emitted_at (the time Airbyte read it) is used as the event time, but its records have columns that look like times. " +
        'If one of them holds the time of the conversion, map it to event_time in field_mapping; otherwise every row is dated when it was read (a table with history would be sent as conversions of today). ' +
        'Those columns: placed_at, createdOn and 2 more.',
    ]);
    expect(logs).toContain(
      "Stream visits maps no event_time and its records have no event_time column: each record's emitted_at (the time Airbyte read it) is used as the event time.",
    );
    expect(logs.join('\n')).not.toContain('example');
    expect(logs.join('\n')).not.toContain('Jane');
    expect(fake.accepted).toHaveLength(3);
  });
});
