/**
 * The S3 edge and the rejected-records file against a real S3-compatible server (s3rver on loopback), through the AWS
 * SDK's S3 client: no mock of the client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStorageConfig } from '../../src/config/config.js';
import type { RetryPolicy } from '../../src/pinterest/retry.js';
import { ObjectStorageError } from '../../src/storage/errors.js';
import { openS3Store } from '../../src/storage/s3.js';
import { RejectedRecordsFile } from '../../src/write/rejected-records.js';
import { S3RVER_ACCESS_KEY_ID, S3RVER_SECRET_ACCESS_KEY, startS3Server, type TestS3Server } from '../../integration_tests/helpers/s3-server.js';

const retry: RetryPolicy = { maxRetries: 2, maxElapsedMs: 30_000, baseDelayMs: 1, maxDelayMs: 1, timeScale: 1 };
let server: TestS3Server;

function storage(over: Partial<ObjectStorageConfig> = {}): ObjectStorageConfig {
  return {
    storage_type: 'S3',
    s3_bucket_name: 'rejected',
    s3_bucket_region: 'us-east-1',
    bucket_path: 'runs',
    s3_endpoint: server.endpoint,
    access_key_id: S3RVER_ACCESS_KEY_ID,
    secret_access_key: S3RVER_SECRET_ACCESS_KEY,
    ...over,
  };
}

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<ObjectStorageError> {
  try {
    await p;
  } catch (err) {
    return err as ObjectStorageError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  server = await startS3Server(['rejected', 'files']);
});
afterAll(async () => {
  await server?.dispose();
});

describe('openS3Store', () => {
  it('writes and deletes an object, path-style at the endpoint', async () => {
    const store = await openS3Store(storage(), { retry });
    expect(store.location).toBe('s3://rejected');
    await store.put('probe/a.txt', Buffer.from('hello\n'), 'text/plain');
    expect(await server.keys('rejected')).toContain('probe/a.txt');
    expect(await server.text('rejected', 'probe/a.txt')).toBe('hello\n');
    await store.delete('probe/a.txt');
    expect(await server.keys('rejected')).not.toContain('probe/a.txt');
    store.close();
  });

  it('fails at once with a config_error naming the fix for a missing bucket or a refused key', async () => {
    const retries: string[] = [];
    const missing = await openS3Store(storage({ s3_bucket_name: 'no-such-bucket' }), { retry, onRetry: (r) => retries.push(r) });
    const e1 = await failure(missing.put('k', Buffer.from('x'), 'text/plain'));
    expect(e1).toBeInstanceOf(ObjectStorageError);
    expect(e1.failureType).toBe('config_error');
    expect(e1.message).toBe(
      `Could not write s3://no-such-bucket/k (NoSuchBucket (HTTP 404): The specified bucket does not exist). The bucket no-such-bucket does not exist at ${server.endpoint}: create it, or correct object_storage_config.s3_bucket_name.`,
    );
    missing.close();
    const badKey = await openS3Store(storage({ access_key_id: 'AKIAWRONG', secret_access_key: 'wrong-secret' }), { retry, onRetry: (r) => retries.push(r) });
    const e2 = await failure(badKey.put('k', Buffer.from('x'), 'text/plain'));
    expect(e2.failureType).toBe('config_error');
    expect(e2.message).toMatch(/^Could not write s3:\/\/rejected\/k \(InvalidAccessKeyId \(HTTP 403\): .*\)\. The store refused the access key: correct object_storage_config\.access_key_id and secret_access_key\.$/);
    expect(e2.message).not.toContain('wrong-secret');
    badKey.close();
    expect(retries).toEqual([]);
  });

  it('retries a store that does not answer, then fails with a transient_error', async () => {
    const down = await startS3Server(['rejected']);
    const endpoint = down.endpoint;
    await down.dispose(); // nothing listens on that port any more
    const retries: string[] = [];
    const store = await openS3Store(storage({ s3_endpoint: endpoint }), { retry, onRetry: (r) => retries.push(r) });
    const e = await failure(store.put('k', Buffer.from('x'), 'text/plain'));
    expect(e.failureType).toBe('transient_error');
    expect(e.message).toMatch(/^Could not write s3:\/\/rejected\/k after 3 attempts over \d+ s \(last: network error ECONNREFUSED\)\.$/);
    expect(retries).toEqual(['object storage: network error ECONNREFUSED', 'object storage: network error ECONNREFUSED']);
    store.close();
  });
});

describe('retries on 5xx', () => {
  it('retries "503 SlowDown" answers with backoff and succeeds when the store recovers', async () => {
    // A loopback HTTP server that answers like an overloaded S3 twice, then accepts the object.
    const statuses: number[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = statuses.length < 2 ? 503 : 200;
        statuses.push(status);
        if (status === 503) {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
        } else {
          res.writeHead(200, { etag: '"0"' });
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const retries: string[] = [];
      const store = await openS3Store(storage({ s3_endpoint: endpoint }), { retry, onRetry: (r) => retries.push(r) });
      await store.put('k', Buffer.from('x'), 'text/plain');
      expect(statuses).toEqual([503, 503, 200]);
      expect(retries).toEqual([
        'object storage: SlowDown (HTTP 503): Please reduce your request rate.',
        'object storage: SlowDown (HTTP 503): Please reduce your request rate.',
      ]);
      store.close();
    } finally {
      server.close();
    }
  });
});

describe('RejectedRecordsFile', () => {
  const folder = 'runs/2026-12-06T15-00-12.345Z';
  const row = (stream: string, recordNumber: number, namespace?: string) => ({
    stream,
    namespace,
    recordNumber,
    reason: `reason ${recordNumber}`,
    source: 'mapping' as const,
  });
  const line = (stream: string, recordNumber: number, namespace?: string) =>
    `{"stream":"${stream}","namespace":${namespace ? `"${namespace}"` : 'null'},"record_number":${recordNumber},"event_id":null,"event_id_derived":null,"primary_key":null,"primary_key_hashed":[],"rejected_by":"mapping","rejected_reason":"reason ${recordNumber}","event":null}\n`;

  it('writes one part per stream and flush, only for streams with new rows, as JSON Lines', async () => {
    const store = await openS3Store(storage({ s3_bucket_name: 'files' }), { retry });
    const file = new RejectedRecordsFile({ store, folder, keyPolicy: () => undefined });
    expect(file.location).toBe(`s3://files/${folder}/`);
    await file.flush(); // nothing yet: no object
    expect(await server.keys('files')).toEqual([]);
    file.add(row('orders', 1));
    file.add(row('orders', 4));
    file.add(row('leads', 2, 'shop'));
    expect(file.pending).toBe(true);
    await file.flush();
    expect(file.pending).toBe(false);
    file.add(row('orders', 9));
    await file.flush();
    await file.flush();
    expect(await server.keys('files')).toEqual([`${folder}/orders/part-00001.jsonl`, `${folder}/orders/part-00002.jsonl`, `${folder}/shop/leads/part-00001.jsonl`]);
    expect(await server.text('files', `${folder}/orders/part-00001.jsonl`)).toBe(line('orders', 1) + line('orders', 4));
    expect(await server.text('files', `${folder}/orders/part-00002.jsonl`)).toBe(line('orders', 9));
    expect(await server.text('files', `${folder}/shop/leads/part-00001.jsonl`)).toBe(line('leads', 2, 'shop'));
    expect([file.rowsWritten, file.partsWritten]).toEqual([4, 3]);
    file.close();
  });

  it('uploads without waiting for a flush once the buffers pass their limit', async () => {
    const store = await openS3Store(storage({ s3_bucket_name: 'files', bucket_path: 'limit' }), { retry });
    const file = new RejectedRecordsFile({ store, folder: 'limit/run', keyPolicy: () => undefined, maxBufferedBytes: 1 });
    file.add(row('orders', 1));
    expect(file.pending).toBe(false); // taken by the upload the add started
    await file.flush();
    expect(await server.keys('files')).toContain('limit/run/orders/part-00001.jsonl');
    file.close();
  });

  it('keeps the first failed upload: every later flush throws it', async () => {
    const store = await openS3Store(storage({ s3_bucket_name: 'no-such-bucket' }), { retry });
    const file = new RejectedRecordsFile({ store, folder, keyPolicy: () => undefined });
    file.add(row('orders', 1));
    const e = await failure(file.flush());
    expect(e.failureType).toBe('config_error');
    expect(e.message).toMatch(/^Rejected-records file: Could not write s3:\/\/no-such-bucket\/runs\/2026-12-06T15-00-12\.345Z\/orders\/part-00001\.jsonl \(NoSuchBucket .* No state covering its rows was echoed\.$/);
    file.add(row('orders', 2));
    expect(await failure(file.flush())).toBe(e);
    file.close();
  });
});
