/**
 * A real S3-compatible server for tests: s3rver (an npm package) on a free loopback port, storing objects in a
 * temporary directory. Tests talk to it through the connector's config (`s3_endpoint`) and read what was written with
 * the AWS SDK's S3 client, path-style, as any S3 user would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import https from 'node:https';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in access key pair (it checks request signatures against it). */
export const S3RVER_ACCESS_KEY_ID = 'S3RVER';
export const S3RVER_SECRET_ACCESS_KEY = 'S3RVER';

/** A running server. */
export interface TestS3Server {
  /** e.g. http://127.0.0.1:41234 */
  endpoint: string;
  port: number;
  /** Every object written or deleted, in order: `ObjectCreated:Put bucket/key`, `ObjectRemoved:Delete bucket/key`. */
  events: string[];
  /** Keys of every object in `bucket`, sorted. */
  keys(bucket: string): Promise<string[]>;
  /** The text of one object. */
  text(bucket: string, key: string): Promise<string>;
  /** Stops the server (connections are refused from then on); files are kept until `dispose`. */
  stop(): Promise<void>;
  /** Stops the server if running and deletes its files. */
  dispose(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 (a free port) with the given buckets created.
 * @param buckets bucket names to create
 * @param tls serve HTTPS with this key and certificate (PEM text); `ca` (PEM text) is trusted by the helper's own client
 */
export async function startS3Server(buckets: string[], tls?: { key: string; cert: string; ca: string }): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  // vhostBuckets off: a request to a host name (e.g. `minio` through a test proxy) stays path-style, as the connector sends it.
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
  });
  const events: string[] = [];
  server.on('event', (e) => {
    for (const r of e.Records) events.push(`${r.eventName} ${r.s3.bucket.name}/${r.s3.object.key}`);
  });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  // Loaded here, after the connector's setting that silences the SDK's notice about future Node versions (src/storage/s3.ts).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { GetObjectCommand, ListObjectsV2Command, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY_ID, secretAccessKey: S3RVER_SECRET_ACCESS_KEY },
    ...(tls ? { requestHandler: { httpsAgent: new https.Agent({ ca: tls.ca }) } } : {}),
  });
  let running = true;
  const stop = async (): Promise<void> => {
    if (!running) return;
    running = false;
    await server.close();
  };
  return {
    endpoint,
    port,
    events,
    async keys(bucket) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async text(bucket, key) {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return r.Body ? await r.Body.transformToString('utf8') : '';
    },
    stop,
    async dispose() {
      await stop();
      client.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
