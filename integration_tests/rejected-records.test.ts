/**
 * The rejected-records file (`object_storage_config`) through the real CLI, against the fake Pinterest API and a real
 * S3-compatible server (s3rver on loopback, started here): what `check` proves, the exact lines a sync writes, that
 * no raw personal data is in them, and that a failed upload fails the sync without echoing the states covering the
 * rows it should have recorded.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
