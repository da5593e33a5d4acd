/**
 * Personal data shapes from real warehouses go through the real CLI; the fake Pinterest API must receive exactly
 * the expected hashes. Every expected SHA-256 below was computed outside the code under test, with
 * `printf '%s' '<normalized value>' | sha256sum`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const H = {
  'jane.doe@example.com': '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d',
  '442079460958': '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
  'mary ann': '343b97011010c3549fe7fcd6c226ed9431ea37b0b77ed78f6300a0098925faf1',
  f: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
  '19900304': '85b3c79d2579941355ff1b877f6a6c7bac464294836a8e703cf313d411fdc876',
  stlouis: '8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3',
  ca: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
  '94105': 'e73ac16e69f060ee98b0fda5f66f48c4648ee26950e9bab3a097389853fd859e',
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  '14155550123': '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a',
  sw1a2aa: 'a5c027b44d4d7b5acc1d9375b4e4b718863ae903b9f2b01697f686ca2522b8ce',
  de: '959a45d44e6fcf58361ed004681556fe50129f2109e817dec098c00c9e5d2578',
  gb: '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677',
  'josé': 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866',
  'Cust-42': '772b91cabe669ed0525030074170426af10a5688a186c35b19bf5e84305ffdd1',
  'ab12cd34-ef56-7890-abcd-ef1234567890': '842a966866ba9dbf2b3097fcb07ad64cb863df0afd8638b989d20e41723299fc',
  '4915112345678': '8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd',
  k1a0b1: '3e8d74314dc02166b1ea8c7bd8c2357fb3f9898074395b8c57f8799848b4daa1',
  on: 'b8d31e852725afb1e26d53bab6095b2bff1749c9275be13ed1c05a56ed31ec09',
  n: '1b16b1df538ba12dc3f97edbb85caa7050d46c148134290feba80f8236c83db9',
  '19851231': 'f81a8616dc5e4c2870b8c891a495c26704c55df3e181c1a472f97278b56051f1',
  'a@example.com': '08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a',
  'b@example.com': 'e8f39b3e1382367d6d41ab34dc270d4e7533f978c9e9a775dfe2185b2f96b96c',
  /** sha256("123"), given pre-hashed in upper case. */
  preHashed: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3',
} as const;

const nowSec = Math.floor(Date.now() / 1000);

/** Rows with the raw shapes warehouses hold; the columns are named like the destination fields (no mapping). */
const rows: Record<string, unknown>[] = [
  {
    event_id: 'norm-1',
    email: '  Jane.Doe@Example.COM ',
    phone: '+44 (0)20 7946 0958',
    first_name: '  Mary   Ann ',
    gender: 'Female',
    date_of_birth: '1990-03-04',
    city: 'St. Louis',
    state: 'California',
    zip_code: '94105-1234',
    country: 'USA',
  },
  {
    event_id: 'norm-2',
    hashed_email: 'A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1FA07E998E86F7F7A27AE3',
    phone: '020 7946 0958', // national: read with the record's country (United Kingdom)
    first_name: 'Jose\u0301', // decomposed é → NFC
    zip_code: 'SW1A 2AA',
    country: 'United Kingdom',
    external_id: ' Cust-42 ',
    maid: '  AB12CD34-EF56-7890-ABCD-EF1234567890 ',
  },
  {
    event_id: 'norm-3',
    email: ['a@example.com', 'A@example.com ', 'b@example.com'],
    phone: '0151 12345678', // national German number, record country DE
    country: 'DE',
    date_of_birth: '03/04/1990', // ambiguous: dropped with a warning
    gender: 'nonbinary',
    hashed_phone: 'not-a-hash', // dropped with a warning
    last_name: '   ', // blank: absent, never the hash of ""
  },
  {
    event_id: 'norm-4',
    email: 'a@example.com',
    phone: '011 49 151 12345678', // US international prefix, calling code kept once
    zip_code: 'K1A 0B1',
    state: 'Ontario',
    country: 'CA',
    date_of_birth: '1985/12/31',
  },
  {
    event_id: 'norm-5',
    email: 'b@example.com',
    phone: '415.555.0123', // no country in the record: read with default_phone_country US
  },
];

describe('normalization through the real CLI', () => {
  let fake: FakePinterest;
  let result: CliResult;

  beforeAll(async () => {
    fake = await startFakePinterest();
    const config = writeTempJson({
      ad_account_id: '549755885175',
      credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
      default_event_name: 'lead',
      default_phone_country: 'US',
    });
    const catalog = writeTempJson({
      streams: [{ stream: { name: 'customers', json_schema: {} }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    });
    const stdin =
      rows.map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'customers', data: { ...data, event_time: nowSec - 60 }, emitted_at: Date.now() } })).join('\n') +
      '\n' +
      JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'customers' }, stream_state: { c: 1 } }, id: 1 } }) +
      '\n';
    result = await runCli(['write', '--config', config, '--catalog', catalog], { stdin, env: { PINTEREST_API_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await fake.close();
  });

  const userData = (id: string): Record<string, unknown> => {
    const e = fake.accepted.find((a) => a.event_id === id);
    if (!e) throw new Error(`event ${id} was not accepted`);
    return (e.event as { user_data: Record<string, unknown> }).user_data;
  };

  it('delivers every row and echoes the state', () => {
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(fake.accepted.map((a) => a.event_id).sort()).toEqual(['norm-1', 'norm-2', 'norm-3', 'norm-4', 'norm-5']);
    const states = result.messages.filter((m) => m.type === 'STATE');
    expect(states.map((s) => s.state.destinationStats)).toEqual([{ recordCount: 5, rejectedRecordCount: 0 }]);
  });

  it('sends the exact hashes Pinterest matches on', () => {
    expect(userData('norm-1')).toEqual({
      em: [H['jane.doe@example.com']],
      ph: [H['442079460958']],
      fn: [H['mary ann']],
      ge: [H.f],
      db: [H['19900304']],
      ct: [H.stlouis],
      st: [H.ca],
      zp: [H['94105']],
      country: [H.us],
    });
    expect(userData('norm-2')).toEqual({
      em: [H.preHashed],
      ph: [H['442079460958']],
      fn: [H['josé']],
      zp: [H.sw1a2aa],
      country: [H.gb],
      external_id: [H['Cust-42']],
      hashed_maids: [H['ab12cd34-ef56-7890-abcd-ef1234567890']],
    });
    expect(userData('norm-3')).toEqual({
      em: [H['a@example.com'], H['b@example.com']],
      ph: [H['4915112345678']],
      ge: [H.n],
      country: [H.de],
    });
    expect(userData('norm-4')).toEqual({
      em: [H['a@example.com']],
      ph: [H['4915112345678']],
      zp: [H.k1a0b1],
      st: [H.on],
      country: [H.ca],
      db: [H['19851231']],
    });
    expect(userData('norm-5')).toEqual({ em: [H['b@example.com']], ph: [H['14155550123']] });
  });

  it('reports dropped values as counted warnings, without the values', () => {
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
    const summary = logs.find((l) => l.startsWith('Warnings'));
    expect(summary).toContain('1 × date_of_birth: day and month are both 12 or less and date_of_birth_order (MDY or DMY) is not set; dropped (stream customers)');
    expect(summary).toContain('1 × hashed_phone: not a SHA-256 hex string; dropped (stream customers)');
    const all = result.stdout;
    for (const raw of ['Jane.Doe', 'jane.doe', '7946 0958', '555.0123', '7946 0958', 'not-a-hash', '03/04/1990', 'Cust-42', 'AB12CD34']) expect(all).not.toContain(raw);
  });
});
