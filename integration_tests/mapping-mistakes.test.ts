/**
 * Configuration mistakes that reject every row are easy to make (a typo in a stream name or a source path).
 * The sync must say so loudly, naming the mistake, not only count rejections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const nowSec = Math.floor(Date.now() / 1000);
const records = Array.from({ length: 4 }, (_, i) =>
  JSON.stringify({ type: 'RECORD', record: { stream: 'purchases', data: { buyer_email: `buyer${i}@example.com`, purchased_at: nowSec - 60 }, emitted_at: Date.now() } }),
);
const state = JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'purchases' }, stream_state: { c: 1 } }, id: 1 } });

describe('a streams[] name that matches no stream', () => {
  let fake: FakePinterest;
  let result: CliResult;
  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      streams: [
        {
          name: 'purchase', // typo: the stream is "purchases"
          default_event_name: 'checkout',
          field_mapping: [
            { source_field: 'buyer_email', destination_field: 'email' },
            { source_field: 'purchased_at', destination_field: 'event_time' },
          ],
        },
      ],
    });
    const catalog = writeTempJson({ streams: [{ stream: { name: 'purchases', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] });
    result = await runCli(['write', '--config', config, '--catalog', catalog], { stdin: [...records, state].join('\n') + '\n', env: { PINTEREST_API_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('warns first that the entry matches no catalog stream, naming the catalog streams', () => {
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs[0]).toBe(
      'streams[0] "purchase" matches no stream of the configured catalog (purchases), so its settings are not used. Check the name; use namespace.name for a stream in a namespace.',
    );
  });

  it('ends with a prominent warning that most records were rejected and will not be resent', () => {
    expect(result.code).toBe(0);
    expect(fake.accepted).toHaveLength(0);
    const states = result.messages.filter((m) => m.type === 'STATE');
    expect(states.map((s) => s.state.destinationStats)).toEqual([{ recordCount: 0, rejectedRecordCount: 4 }]);
    const last = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message)).at(-1);
    expect(last).toBe(
      '100.0% OF THE RECORDS WERE REJECTED (4 of 4), and their states were saved, so Airbyte will not send them again. ' +
        'Most rejected records: 4 × event_name: missing and no default_event_name configured. ' +
        'Usually a field mapping, default_event_name or a streams[] name is wrong. ' +
        'Fix the cause, check it with write --dry-run, then re-sync these streams. Set max_rejected_percent to make such a sync fail instead.',
    );
  });
});

describe('a field_mapping source path that no record has', () => {
  let fake: FakePinterest;
  let result: CliResult;
  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      default_event_name: 'checkout',
      field_mapping: [
        { source_field: 'buyer_emial', destination_field: 'email' }, // typo
        { source_field: 'purchased_at', destination_field: 'event_time' },
        { source_field: 'coupon', destination_field: 'search_string' }, // present but null: not suspect
      ],
    });
    const catalog = writeTempJson({ streams: [{ stream: { name: 'purchases', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] });
    const lines = records.map((l) => l.replace('"purchased_at"', '"coupon":null,"purchased_at"'));
    result = await runCli(['write', '--config', config, '--catalog', catalog], { stdin: [...lines, state].join('\n') + '\n', env: { PINTEREST_API_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('names the path that was never present, once, at the end of the input', () => {
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    expect(logs.filter((l) => l.includes('was not present'))).toEqual([
      'Stream purchases: field_mapping: this source path was not present in any of the first 4 records: buyer_emial → email. Check the spelling against the stream\'s columns (dot paths for nested fields).',
    ]);
    expect(result.messages.filter((m) => m.type === 'STATE').map((s) => s.state.destinationStats)).toEqual([{ recordCount: 0, rejectedRecordCount: 4 }]);
  });
});

describe('the closing warning about rejected records, when it does not apply', () => {
  let fake: FakePinterest;
  beforeAll(async () => {
    fake = await startFakePinterest();
  });
  afterAll(async () => {
    await fake.close();
  });
  const config = {
    ad_account_id: '549755885175',
    credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
    default_event_name: 'checkout',
    max_retries: 1,
    field_mapping: [
      { source_field: 'buyer_email', destination_field: 'email' },
      { source_field: 'purchased_at', destination_field: 'event_time' },
    ],
  };
  const catalog = { streams: [{ stream: { name: 'purchases', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] };
  // 3 records without an email (rejected by the mapping), 1 that is sent.
  const lines = records.map((l, i) => (i < 3 ? l.replace(/"buyer_email":"[^"]*",/, '') : l));
  const logsOf = (r: CliResult) => r.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));

  it('a sync that fails (Pinterest down) says nothing of rejected records or saved states: its TRACE says what happened', async () => {
    fake.reset();
    fake.script([{ status: 500 }, { status: 500 }]);
    const r = await runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog)], {
      stdin: [...lines, state].join('\n') + '\n',
      env: { PINTEREST_API_BASE_URL: fake.url, PINTEREST_RETRY_TIME_SCALE: '0.001' },
    });
    expect(r.code).not.toBe(0);
    expect(r.messages.filter((m) => m.type === 'TRACE').map((m) => m.trace.error.failure_type)).toEqual(['transient_error']);
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
    expect(logsOf(r).filter((l) => l.includes('OF THE RECORDS WERE REJECTED'))).toEqual([]);
  });

  it('a sync whose input has no STATE does not claim states were saved', async () => {
    fake.reset();
    const r = await runCli(['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog)], {
      stdin: lines.join('\n') + '\n',
      env: { PINTEREST_API_BASE_URL: fake.url },
    });
    expect(r.code).toBe(0);
    expect(logsOf(r).at(-1)).toBe(
      '75.0% OF THE RECORDS WERE REJECTED (3 of 4). Most rejected records: 3 × no usable identifier: needs email, maid, or both client_ip_address and client_user_agent. ' +
        'Usually a field mapping, default_event_name or a streams[] name is wrong. ' +
        'Fix the cause, check it with write --dry-run, then re-sync these streams. Set max_rejected_percent to make such a sync fail instead.',
    );
  });
});
