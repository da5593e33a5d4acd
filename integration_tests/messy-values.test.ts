/**
 * Messy real-world values through the real CLI (issue 13 and issue 12's placeholder, same-name and numbers items):
 * the fake Pinterest API must receive exactly the expected hashes. Every expected SHA-256 below was computed outside
 * the code under test, with `printf '%s' '<normalized value>' | sha256sum`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const H = {
  'jane.doe@example.com': '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d',
  'a@example.com': '08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a',
  'b@example.com': 'e8f39b3e1382367d6d41ab34dc270d4e7533f978c9e9a775dfe2185b2f96b96c',
  'c@example.com': '50b313b4b64bd2a2ab9305ad1965147e85239555815da6857bf532010c74b0d6',
  '12125550199': 'b220e5682592149df1f2233622bf380dbbdb495ed6a836271b4ea4e1f0b2c6e4',
  '442079460958': '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
  '19995550123': '38e4255daa8ebe5ed78d0d592fc2495b56f3615213cae7049b30f038eee9c1b6',
  '4930901820': 'c03f76216358b07b09a300613908002987efc1ae9a2ef2a85d57d5a971bf821a',
  '19851130': 'd744d704331e18e0c71e5e4750d00112ae428517a505fddbcb076735d2bd395f',
  '19850504': '684fb5e6b051825f36a834c86cbd3dffdda9f969b5f9f42360365f0647f0beab',
  fl: '593f2d04aab251f60c9e4b8bbc1e05a34e920980ec08351a18459b2bc7dbf2f6',
  sk: '32b56ed53348a8587f30c90e5c6406df95d3b8ab1130b1da62bcf492a8ed8a63',
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  ca: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
  '1000000000000000000000': 'b3c4d9d40b4c90b3995fea02caaf40503883e2b8b9aa1420063f090f42186f21',
} as const;

/** md5("hello"): what Airbyte's hashing mapper makes of a column with MD5. */
const MD5 = '5d41402abc4b2a76b9719d911017c592';
const nowSec = Math.floor(Date.now() / 1000);
/** emitted_at written in seconds, as PyAirbyte's cached path does. */
const EMITTED_S = nowSec - 120;

/** Stream crm: no field_mapping, columns named like the destination fields, no event_time column. */
const crm: string[] = [
  { event_id: 'messy-1', email: ' Jane.Doe@Example.COM ', phone: '+001 212 555 0199', date_of_birth: '30.11.1985', state: 'Fla.', country: 'USA' },
  // country NA is a placeholder, not Namibia; the phone has no + and no country: read as +44 by guessing
  { event_id: 'messy-2', email: 'b@example.com', phone: '442079460958', date_of_birth: '04/05/1985', state: 'n/a', country: 'NA', gender: 'unknown' },
  // possible but unassigned NANP number; MD5 in hashed_email dropped; Canadian abbreviation
  { event_id: 'messy-3', email: 'a@example.com', hashed_email: MD5, phone: '(999) 555-0123', date_of_birth: 'Nov 30, 1985', state: 'Sask.', country: 'Canada' },
  { event_id: 'messy-4', email: 'a@example.com', phone: '+0049 30 901820', date_of_birth: '1985年11月30日', state: 'floridausa', country: 'US' },
  { event_id: 'messy-4', email: 'c@example.com', date_of_birth: '31.02.1985' }, // repeated event_id; impossible date
].map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'crm', data, emitted_at: EMITTED_S } }));
// external_id written as a JSON number of 1e21: hashed from its digits, never from "1e+21"
crm.push(`{"type":"RECORD","record":{"stream":"crm","data":{"event_id":"messy-6","email":"c@example.com","external_id":1e21},"emitted_at":${EMITTED_S}}}`);

/** Stream orders: maps event_time explicitly and turns same-name reads off. */
const orders: string[] = [
  { email: 'a@example.com', placed_at: nowSec - 60, order_id: 'o-1', state: 'shipped' },
  { email: 'b@example.com', order_id: 'o-2', state: 'shipped' }, // placed_at absent: rejected, not stamped with emitted_at
  { email: 'c@example.com', placed_at: null, order_id: 'o-3' },
].map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data, emitted_at: Date.now() } }));

describe('messy real-world values through the real CLI', () => {
  let fake: FakePinterest;
  let result: CliResult;
  let logs: string[];

  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      default_event_name: 'lead',
      date_of_birth_order: 'DMY',
      streams: [
        {
          name: 'orders',
          read_same_name_columns: false,
          field_mapping: [
            { source_field: 'email', destination_field: 'email' },
            { source_field: 'placed_at', destination_field: 'event_time' },
            { source_field: 'order_id', destination_field: 'order_id' },
          ],
        },
      ],
    });
    const catalog = writeTempJson({
      streams: ['crm', 'orders'].map((name) => ({ stream: { name, json_schema: {} }, sync_mode: 'full_refresh', destination_sync_mode: 'append' })),
    });
    const state = JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'crm' }, stream_state: { c: 1 } }, id: 1 } });
    const stdin = [...crm, ...orders, state].join('\n') + '\n';
    result = await runCli(['write', '--config', config, '--catalog', catalog], { stdin, env: { PINTEREST_API_BASE_URL: fake.url } });
    logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
  });
  afterAll(async () => {
    await fake.close();
  });

  const event = (id: string): Record<string, any> => {
    const e = fake.accepted.find((a) => a.event_id === id);
    if (!e) throw new Error(`event ${id} was not accepted`);
    return e.event as Record<string, any>;
  };

  it('delivers every usable row and rejects the ones without their mapped event_time', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(fake.accepted).toHaveLength(7);
    const states = result.messages.filter((m) => m.type === 'STATE');
    expect(states.map((s) => s.state.destinationStats)).toEqual([{ recordCount: 6, rejectedRecordCount: 0 }]); // a STREAM state counts its own stream
    const summary = logs.find((l) => l.startsWith('Rejected records by reason'));
    expect(summary).toContain(
      '2 × event_time: mapped in field_mapping but empty or absent in this record (stamping it with the time Airbyte read it would misdate the conversion)',
    );
  });

  it('sends the exact hashes Pinterest matches on', () => {
    expect(event('messy-1').user_data).toEqual({
      em: [H['jane.doe@example.com']], ph: [H['12125550199']], db: [H['19851130']], st: [H.fl], country: [H.us],
    });
    expect(event('messy-2').user_data).toEqual({ em: [H['b@example.com']], ph: [H['442079460958']], db: [H['19850504']] });
    expect(event('messy-3').user_data).toEqual({
      em: [H['a@example.com']], ph: [H['19995550123']], db: [H['19851130']], st: [H.sk], country: [H.ca],
    });
    expect(event('messy-4').user_data).toEqual({ em: [H['a@example.com']], ph: [H['4930901820']], db: [H['19851130']], country: [H.us] });
    expect(event('messy-6').user_data).toEqual({ em: [H['c@example.com']], external_id: [H['1000000000000000000000']] });
  });

  it('reads emitted_at written in seconds as seconds, and a mapped event_time as mapped', () => {
    expect(event('messy-1').event_time).toBe(EMITTED_S);
    const order = fake.accepted.find((a) => (a.event as any).custom_data?.order_id === 'o-1');
    expect(order?.event.event_time).toBe(nowSec - 60);
    expect((order?.event as any).user_data).toEqual({ em: [H['a@example.com']] }); // state column not read by name
  });

  it('says what it dropped, guessed and read by name, without the values', () => {
    const warnings = logs.find((l) => l.startsWith('Warnings')) ?? '';
    expect(warnings).toContain(
      `1 × hashed_email: 32 hex characters, a MD5 (or MD2) hash, not SHA-256, so it cannot match; send the raw value (the connector normalizes and hashes it) or the SHA-256 of the normalized value; dropped (stream crm)`,
    );
    expect(warnings).toContain('1 × state: not a US state or Canadian province code, name or abbreviation (for a record with a US, Canadian or no country); dropped (stream crm)');
    expect(warnings).toContain('1 × date_of_birth: not a valid calendar date; dropped (stream crm)');
    expect(warnings).toMatch(/1 × phone: a number without "\+" or 00 was read as international .* set default_phone_country; sent \(stream crm\)/);
    expect(logs).toContain(
      'Stream crm: destination fields read from same-named columns (no field_mapping entry): event_id, email, phone, date_of_birth, state, country, gender, hashed_email, external_id. Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
    );
    expect(logs).toContain('Stream orders maps event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).');
    expect(logs).toContain(
      "Stream crm maps no event_time and its records have no event_time column: each record's emitted_at (the time Airbyte read it) is used as the event time.",
    );
    expect(logs.filter((l) => l.includes('repeated an event_id'))).toEqual([
      expect.stringMatching(/^1 event of this sync repeated an event_id sent earlier in it \(first: record 5 of stream crm\)\. Pinterest keeps only one event per event_id/),
    ]);
    for (const raw of ['Jane.Doe', '212 555', '7946', MD5, 'floridausa', '30.11.1985', '04/05/1985', 'messy-4', 'shipped']) {
      expect(result.stdout).not.toContain(raw);
    }
  });

  it('check refuses an unknown date_of_birth_order and says what to set', async () => {
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      date_of_birth_order: 'YMD',
      read_same_name_columns: 'no',
    });
    const r = await runCli(['check', '--config', config], { env: { PINTEREST_API_BASE_URL: fake.url } });
    const status = r.messages.find((m) => m.type === 'CONNECTION_STATUS');
    expect(status.connectionStatus.status).toBe('FAILED');
    expect(status.connectionStatus.message).toContain('date_of_birth_order: must be one of MDY, DMY');
    expect(status.connectionStatus.message).toContain('read_same_name_columns: must be boolean');
  });
});

describe('read_same_name_columns off globally, on for one stream, through the real CLI', () => {
  const PH_14155550123 = '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a';
  let fake: FakePinterest;
  let result: CliResult;
  let logs: string[];

  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      default_event_name: 'checkout',
      read_same_name_columns: false,
      field_mapping: [
        { source_field: 'buyer', destination_field: 'email' },
        { source_field: 'ordered_at', destination_field: 'event_time' },
      ],
      streams: [{ name: 'shipments', read_same_name_columns: true }],
    });
    const catalog = writeTempJson({
      streams: ['plain', 'shipments'].map((name) => ({ stream: { name, json_schema: {} }, sync_mode: 'full_refresh', destination_sync_mode: 'append' })),
    });
    const row = (stream: string, i: number): string =>
      JSON.stringify({
        type: 'RECORD',
        record: { stream, data: { buyer: 'a@example.com', ordered_at: nowSec - 60, order_id: `${stream}-${i}`, phone: '+1 415 555 0123', state: 'shipped' }, emitted_at: Date.now() },
      });
    // The first line of stream plain is unusable (data is not an object): the stream's time notice still comes once.
    const unusable = JSON.stringify({ type: 'RECORD', record: { stream: 'plain', data: 'not an object', emitted_at: Date.now() } });
    // plain's two rows are the same row: the same derived event_id (from the whole record), a repeat.
    const lines = [unusable, row('plain', 1), row('plain', 1), ...Array.from({ length: 12 }, (_, i) => row('shipments', i + 1))];
    result = await runCli(['write', '--config', config, '--catalog', catalog], { stdin: `${lines.join('\n')}\n`, env: { PINTEREST_API_BASE_URL: fake.url } });
    logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
  });
  afterAll(async () => {
    await fake.close();
  });

  it('off: only field_mapping is read; on: same-named columns are read too', () => {
    expect(result.code).toBe(0);
    expect(fake.accepted).toHaveLength(14);
    const plain = fake.accepted.filter((a) => (a.event as any).custom_data?.order_id === undefined);
    expect(plain.map((a) => (a.event as any).user_data)).toEqual([{ em: [H['a@example.com']] }, { em: [H['a@example.com']] }]); // phone, state, order_id not read
    const shipments = fake.accepted.filter((a) => String((a.event as any).custom_data?.order_id).startsWith('shipments-'));
    expect(shipments).toHaveLength(12);
    for (const a of shipments) expect((a.event as any).user_data).toEqual({ em: [H['a@example.com']], ph: [PH_14155550123] });
  });

  it('names the same-name column whose values were mostly dropped, and the setting, once', () => {
    expect(logs.filter((l) => l.startsWith('Stream shipments: '))).toEqual([
      'Stream shipments: destination fields read from same-named columns (no field_mapping entry): order_id, phone, state. Map them in field_mapping, or set read_same_name_columns to false, if a column only shares the name.',
      "Stream shipments: column state is read by its name as destination field state, but 12 of its 12 values in the first 12 records were dropped. If it holds something else, map state to the right column in field_mapping, or set read_same_name_columns to false (globally or in this stream's streams[] entry).",
    ]);
    expect(logs.filter((l) => l.startsWith('Stream plain: '))).toEqual([]);
    expect(logs.filter((l) => l.startsWith('Stream plain maps event_time'))).toEqual([
      'Stream plain maps event_time in field_mapping: it is read from there, and a record without it is rejected (emitted_at is never used).',
    ]);
    expect(result.stdout).not.toContain('shipped');
  });

  it('finds a repeated derived event_id', () => {
    const plain = fake.accepted.filter((a) => (a.event as any).custom_data?.order_id === undefined);
    expect(plain[0]!.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(plain[1]!.event_id).toBe(plain[0]!.event_id);
    expect(logs.filter((l) => l.includes('repeated an event_id'))).toEqual([
      expect.stringMatching(/^1 event of this sync repeated an event_id sent earlier in it \(first: record 3 of stream plain\)\. /),
    ]);
  });
});
