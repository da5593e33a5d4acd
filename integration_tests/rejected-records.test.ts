/**
 * The rejected-records file (`object_storage_config`) through the real CLI, against the fake Pinterest API and a real
 * S3-compatible server (s3rver on loopback, started here): what `check` proves, the exact lines a sync writes, that
 * no raw personal data is in them, and that a failed upload fails the sync without echoing the states covering the
 * rows it should have recorded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REASONS } from '../src/mapping/record-to-event.js';
import { FAKE_DEFAULTS } from './fake-pinterest/server.js';
import { invalidMessages } from './helpers/airbyte-protocol.js';
import { describeRun, envFor, fakePerTest, ordersConfig } from './helpers/generated.js';
import { runCli, writeTempJson } from './helpers/run-cli.js';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from './helpers/s3-server.js';

vi.setConfig({ testTimeout: 90_000 });

const newFake = fakePerTest();
let s3: TestS3Server;
/** A second server, stopped before the tests: nothing listens on its port. */
let downEndpoint: string;

beforeAll(async () => {
  s3 = await startS3Server(['checks', 'rejected']);
  const down = await startS3Server([]);
  downEndpoint = down.endpoint;
  await down.dispose();
});
afterAll(async () => {
  await s3?.dispose();
});

type Json = Record<string, any>;

/** object_storage_config for the test server, bucket `rejected`, with overrides. */
function storage(over: Json = {}): Json {
  return {
    storage_type: 'S3',
    s3_bucket_name: 'rejected',
    s3_bucket_region: 'us-east-1',
    bucket_path: 'pinterest',
    s3_endpoint: s3.endpoint,
    access_key_id: S3RVER_ACCESS_KEY_ID,
    secret_access_key: S3RVER_SECRET_ACCESS_KEY,
    ...over,
  };
}

/** Runs `check` with the fake and fast retries; returns the one CONNECTION_STATUS after the common assertions. */
async function check(config: Json): Promise<{ status: string; message?: string }> {
  const fake = await newFake();
  const r = await runCli(['check', '--config', writeTempJson(config, 'check')], { env: envFor(fake) });
  expect(r.code, describeRun(r)).toBe(0);
  expect(r.stderr).toBe('');
  expect(invalidMessages(r.messages)).toEqual([]);
  const statuses = r.messages.filter((m) => m.type === 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  const text = JSON.stringify(r.messages);
  expect(text).not.toContain(S3RVER_SECRET_ACCESS_KEY);
  expect(text).not.toContain('wrong-secret-4b1d');
  return statuses[0].connectionStatus;
}

describe.concurrent('check with object_storage_config', () => {
  it('writes a probe object under bucket_path, deletes it, and says where files go', async () => {
    const before = s3.events.length;
    const st = await check(ordersConfig({ object_storage_config: storage({ s3_bucket_name: 'checks', bucket_path: '/probe/' }) }));
    expect(st).toEqual({
      status: 'SUCCEEDED',
      message: 'Pinterest accepted the test event, so syncs can send events. Rejected records will be written to s3://checks/probe/.',
    });
    const mine = s3.events.slice(before).filter((e) => e.includes(' checks/probe/'));
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatch(/^ObjectCreated:Put checks\/probe\/airbyte-connection-check-\d+\.txt$/);
    expect(mine[1]).toBe(mine[0].replace('ObjectCreated:Put', 'ObjectRemoved:Delete'));
    expect((await s3.keys('checks')).filter((k) => k.startsWith('probe/'))).toEqual([]);
  });

  it('fails naming the fix for a missing bucket', async () => {
    const st = await check(ordersConfig({ object_storage_config: storage({ s3_bucket_name: 'no-such-bucket' }) }));
    expect(st.status).toBe('FAILED');
    expect(st.message).toMatch(
      new RegExp(
        `^Rejected-records storage \\(object_storage_config\\): Could not write s3://no-such-bucket/pinterest/airbyte-connection-check-\\d+\\.txt \\(NoSuchBucket \\(HTTP 404\\): The specified bucket does not exist\\)\\. ` +
          `The bucket no-such-bucket does not exist at ${s3.endpoint.replace(/\./g, '\\.')}: create it, or correct object_storage_config\\.s3_bucket_name\\.$`,
      ),
    );
  });

  it('fails naming the keys when the store refuses them, without showing the secret', async () => {
    const st = await check(ordersConfig({ object_storage_config: storage({ access_key_id: 'AKIAWRONGKEY', secret_access_key: 'wrong-secret-4b1d' }) }));
    expect(st.status).toBe('FAILED');
    expect(st.message).toMatch(/^Rejected-records storage \(object_storage_config\): Could not write s3:\/\/rejected\/pinterest\/airbyte-connection-check-\d+\.txt \(InvalidAccessKeyId \(HTTP 403\): .*\)\. The store refused the access key: correct object_storage_config\.access_key_id and secret_access_key\.$/);
  });

  it('fails after retries when the store does not answer, naming the endpoint to check', async () => {
    const st = await check(ordersConfig({ object_storage_config: storage({ s3_endpoint: downEndpoint }) }));
    expect(st.status).toBe('FAILED');
    expect(st.message).toMatch(
      new RegExp(
        `^Rejected-records storage \\(object_storage_config\\): Could not write s3://rejected/pinterest/airbyte-connection-check-\\d+\\.txt after 3 attempts over \\d+ s \\(last: network error ECONNREFUSED\\)\\. ` +
          `Check that this machine can reach ${downEndpoint.replace(/\./g, '\\.')} and test again\\.$`,
      ),
    );
  });

  it('uses the default credential chain without keys (here AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)', async () => {
    const fake = await newFake();
    const config = ordersConfig({ object_storage_config: storage({ access_key_id: undefined, secret_access_key: undefined, s3_bucket_name: 'checks', bucket_path: 'chain' }) });
    const r = await runCli(['check', '--config', writeTempJson(config, 'check')], {
      env: envFor(fake, { AWS_ACCESS_KEY_ID: S3RVER_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: S3RVER_SECRET_ACCESS_KEY }),
    });
    expect(r.messages.filter((m) => m.type === 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  });
});

/** SHA-256 hex of "jane.doe@example.com" (computed once with `sha256sum`). */
const JANE_SHA256 = '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d';
const JANE = 'jane.doe@example.com';
const IP = '203.0.113.7';

/** Two streams: `orders` (primary key order_id) and `shop.members` (primary key email: personal data). */
const CATALOG = {
  streams: [
    { stream: { name: 'orders', json_schema: { type: 'object' } }, sync_mode: 'incremental', destination_sync_mode: 'append', primary_key: [['order_id']] },
    { stream: { name: 'members', namespace: 'shop', json_schema: { type: 'object' } }, sync_mode: 'incremental', destination_sync_mode: 'append', primary_key: [['email']] },
  ],
};

const record = (stream: string, data: unknown, namespace?: string) =>
  JSON.stringify({ type: 'RECORD', record: { stream, ...(namespace ? { namespace } : {}), data, emitted_at: Date.now() } });
const state = (id: number, stream: string, namespace?: string) =>
  JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, stream_state: { id } }, id } });

/** Runs `write` with `lines` on stdin against a new fake, with the CATALOG. */
async function write(config: Json, lines: string[], fakeOpts: Parameters<typeof newFake>[0] = {}) {
  const fake = await newFake(fakeOpts);
  const args = ['write', '--config', writeTempJson(config, 'config'), '--catalog', writeTempJson(CATALOG, 'catalog')];
  const r = await runCli(args, { stdin: `${lines.join('\n')}\n`, timeoutMs: 60_000, env: envFor(fake) });
  return { r, fake };
}

describe.concurrent('write with object_storage_config', () => {
  it('writes every rejected row, exactly, per stream, before echoing the states; no raw personal data', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = now - 8 * 86_400; // Pinterest refuses events older than 7 days
    const startedMs = Date.now();
    const lines = [
      record('orders', { event_id: 'A-1', email: JANE, order_id: 'A-1', event_time: now - 60, value: 10, client_ip_address: IP, client_user_agent: 'UA/1' }),
      record('orders', { event_id: 'A-2', email: JANE, order_id: 'A-2', event_time: old, value: 12.5, client_ip_address: IP, client_user_agent: 'UA/1' }),
      record('orders', { order_id: 'A-3', event_time: now - 60, value: 1 }),
      record('orders', 'oops'),
      record('members', { email: JANE, event_time: 'yesterday-ish' }, 'shop'),
      state(1, 'orders'),
      state(2, 'members', 'shop'),
    ];
    const { r } = await write(ordersConfig({ object_storage_config: storage({ bucket_path: 'exact' }) }), lines);
    expect(r.code, describeRun(r)).toBe(0);
    expect(invalidMessages(r.messages)).toEqual([]);
    expect(r.messages.filter((m) => m.type === 'STATE').map((m) => [m.state.id, m.state.destinationStats])).toEqual([
      [1, { recordCount: 1, rejectedRecordCount: 3 }],
      [2, { recordCount: 0, rejectedRecordCount: 1 }],
    ]);
    const keys = (await s3.keys('rejected')).filter((k) => k.startsWith('exact/'));
    expect(keys).toHaveLength(2);
    const folder = keys[0].split('/')[1];
    expect(folder).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/);
    const folderMs = Date.parse(folder.replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3'));
    expect(folderMs).toBeGreaterThanOrEqual(startedMs - 1000);
    expect(folderMs).toBeLessThanOrEqual(Date.now());
    expect(keys).toEqual([`exact/${folder}/orders/part-00001.jsonl`, `exact/${folder}/shop/members/part-00001.jsonl`]);
    const orders = await s3.text('rejected', keys[0]);
    const members = await s3.text('rejected', keys[1]);
    expect(orders).toBe(
      // Rejected by the mapping and the input when read; by Pinterest when its answer came.
      '{"stream":"orders","namespace":null,"record_number":3,"event_id":null,"event_id_derived":null,"primary_key":{"order_id":"A-3"},"primary_key_hashed":[],' +
        '"rejected_by":"mapping","rejected_reason":"no usable identifier: needs email, maid, or both client_ip_address and client_user_agent","event":null}\n' +
        '{"stream":"orders","namespace":null,"record_number":4,"event_id":null,"event_id_derived":null,"primary_key":{"order_id":null},"primary_key_hashed":[],' +
        '"rejected_by":"input","rejected_reason":"record.data is not a JSON object","event":null}\n' +
        '{"stream":"orders","namespace":null,"record_number":2,"event_id":"A-2","event_id_derived":false,"primary_key":{"order_id":"A-2"},"primary_key_hashed":[],' +
        '"rejected_by":"pinterest","rejected_reason":"Pinterest: event_time is more than 7 days in the past.",' +
        `"event":{"event_name":"checkout","action_source":"web","event_time":${old},"event_id":"A-2",` +
        `"user_data":{"em":["${JANE_SHA256}"],"client_ip_address":"<masked>","client_user_agent":"<masked>"},"custom_data":{"value":"12.5","order_id":"<masked>"}}}\n`,
    );
    expect(members).toBe(
      `{"stream":"members","namespace":"shop","record_number":1,"event_id":null,"event_id_derived":null,"primary_key":{"email":"${JANE_SHA256}"},"primary_key_hashed":["email"],` +
        `"rejected_by":"mapping","rejected_reason":${JSON.stringify(REASONS.timeUnrecognizable)},"event":null}\n`,
    );
    for (const text of [orders, members]) {
      expect(text).not.toContain('jane');
      expect(text).not.toContain('example.com');
      expect(text).not.toContain(IP);
    }
    const logs = r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    expect(logs).toContain(`Rejected rows are written to s3://rejected/exact/${folder}/ as JSON Lines, before the states that cover them are echoed.`);
    expect(logs).toContain(`4 rejected rows written to s3://rejected/exact/${folder}/ in 2 files.`);
  });

  it('an unreachable store: retried, then the sync fails (transient_error) without echoing the state covering the rows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const lines = [
      state(1, 'orders'), // covers no row: echoed
      record('orders', { event_id: 'B-1', email: JANE, order_id: 'B-1', event_time: now - 60 }),
      record('orders', { order_id: 'B-2', event_time: now - 60 }), // rejected: no identifier
      state(2, 'orders'),
    ];
    const { r, fake } = await write(ordersConfig({ max_retries: 2, object_storage_config: storage({ s3_endpoint: downEndpoint }) }), lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(fake.acceptedEventIds()).toEqual(['B-1']);
    expect(r.messages.filter((m) => m.type === 'STATE').map((m) => m.state.id)).toEqual([1]);
    const traces = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(traces).toHaveLength(1);
    expect(traces[0].trace.error.failure_type).toBe('transient_error');
    expect(traces[0].trace.error.message).toMatch(
      /^Rejected-records file: Could not write s3:\/\/rejected\/pinterest\/[0-9T:.Z-]+\/orders\/part-00001\.jsonl after 3 attempts over \d+ s \(last: network error ECONNREFUSED\)\. No state covering its rows was echoed: Airbyte will retry the sync from the last saved state\.$/,
    );
    expect(r.messages[r.messages.length - 1]).toBe(traces[0]);
    const logs = r.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    expect(logs).toContain('Retrying a request after a transient failure: object storage: network error ECONNREFUSED');
  });

  it('a missing bucket fails the sync at once (config_error) without echoing the state covering the rows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const lines = [record('orders', { order_id: 'C-1', event_time: now - 60 }), state(1, 'orders')];
    const { r } = await write(ordersConfig({ object_storage_config: storage({ s3_bucket_name: 'no-such-bucket' }) }), lines);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
    const traces = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(traces.map((t) => t.trace.error.failure_type)).toEqual(['config_error']);
    expect(traces[0].trace.error.message).toMatch(/^Rejected-records file: Could not write s3:\/\/no-such-bucket\/.*\(NoSuchBucket \(HTTP 404\).*create it, or correct object_storage_config\.s3_bucket_name\. No state covering its rows was echoed\.$/);
  });

  it('rows rejected after the last state are written at the end; a dry run writes nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const lines = [record('orders', { order_id: 'D-1', event_time: now - 60 })];
    const { r } = await write(ordersConfig({ object_storage_config: storage({ bucket_path: 'tail' }) }), lines);
    expect(r.code, describeRun(r)).toBe(0);
    const keys = (await s3.keys('rejected')).filter((k) => k.startsWith('tail/'));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^tail\/[^/]+\/orders\/part-00001\.jsonl$/);
    expect(JSON.parse(await s3.text('rejected', keys[0]))).toMatchObject({ record_number: 1, primary_key: { order_id: 'D-1' }, rejected_by: 'mapping' });

    const fake = await newFake();
    const args = ['write', '--dry-run', '--config', writeTempJson(ordersConfig({ object_storage_config: storage({ bucket_path: 'dry' }) }), 'config'), '--catalog', writeTempJson(CATALOG, 'catalog')];
    const dry = await runCli(args, { stdin: `${lines.join('\n')}\n`, env: envFor(fake) });
    expect(dry.code, describeRun(dry)).toBe(0);
    expect((await s3.keys('rejected')).filter((k) => k.startsWith('dry/'))).toEqual([]);
  });
});
