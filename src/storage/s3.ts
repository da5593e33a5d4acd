/**
 * The object storage edge: writes and deletes objects in an S3 bucket or an S3-compatible store with the AWS SDK v3
 * S3 client, retried like a Pinterest request (the config's max_retries and max_retry_seconds, exponential backoff with
 * jitter; PINTEREST_RETRY_TIME_SCALE scales the waits in tests).
 *
 * The SDK (several MB of code) is loaded by {@link openS3Store} only, with a dynamic import: a sync without
 * `object_storage_config` never loads it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectStorageConfig } from '../config/config.js';
import { isRetryableStatus, networkErrorCode, RETRYABLE_NETWORK_CODES } from '../pinterest/errors.js';
import { proxySettingsFromEnv } from '../pinterest/http.js';
import { retryDelayMs, sleep, type RetryPolicy } from '../pinterest/retry.js';
import { ObjectStorageError } from './errors.js';

/** A bucket (and the store it lives in) that objects are written to; keys are full keys inside the bucket. */
export interface ObjectStore {
  /** `s3://bucket`, for messages. */
  readonly location: string;
  /**
   * Writes one object (replacing any object of that key).
   * @throws ObjectStorageError after the retries, or at once for an answer no retry changes
   */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Deletes one object. @throws ObjectStorageError as {@link put} */
  delete(key: string): Promise<void>;
  /** Closes the client's connections. */
  close(): void;
}

/** Options of {@link openS3Store}. */
export interface S3StoreOptions {
  retry: RetryPolicy;
  /** Called before each retry with a value-free reason and the wait (ms, already time-scaled). */
  onRetry?: (reason: string, delayMs: number) => void;
  /** Aborting it ends waits and requests; the call then fails with a transient error. */
  signal?: AbortSignal;
}

/** Connection and whole-request time limits of one S3 request (ms): a store that stops answering is retried, not waited for. */
const CONNECTION_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

/** S3 error codes that a retry can change although their HTTP status is 4xx (S3 API reference, "Error responses"). */
const RETRYABLE_S3_CODES = new Set(['RequestTimeout', 'SlowDown', 'ThrottlingException', 'TooManyRequestsException', 'TimeoutError', 'RequestTimeTooSkewed']);

/** What an SDK error means for a retry, in value-free words. */
interface Classified {
  retryable: boolean;
  /** e.g. `NoSuchBucket (HTTP 404): The specified bucket does not exist` or `network error ECONNREFUSED`. */
  problem: string;
  status?: number;
  code?: string;
}

/**
 * Classifies an error thrown by the S3 client: network errors and timeouts, 408/425/429/5xx and S3's throttling
 * codes are retryable; any other answer (missing bucket, refused credentials, wrong region) is not.
 */
export function classifyS3Error(err: unknown): Classified {
  const e = err as { name?: string; message?: string; status?: number; $metadata?: { httpStatusCode?: number } } | null;
  // The proxy's own refusal (s3-proxy.ts): retried only when the proxy says it could not reach the store (5xx).
  if (e?.name === 'ProxyRefusedError' && typeof e.status === 'number') {
    return { retryable: e.status >= 500, problem: e.message ?? `the proxy refused (HTTP ${e.status})`, status: e.status, code: 'ProxyRefused' };
  }
  const status = e?.$metadata?.httpStatusCode;
  const net = networkErrorCode(err);
  if (net && status === undefined) return { retryable: RETRYABLE_NETWORK_CODES.has(net), problem: `network error ${net}`, code: net };
  const code = e?.name && e.name !== 'Error' ? e.name : undefined;
  const message = (e?.message ?? '').replace(/\s+/g, ' ').slice(0, 300);
  const problem = `${code ?? 'error'}${status !== undefined ? ` (HTTP ${status})` : ''}${message ? `: ${message}` : ''}`;
  const retryable = (status !== undefined && isRetryableStatus(status)) || (code !== undefined && RETRYABLE_S3_CODES.has(code));
  return { retryable, problem, status, code };
}

/** The fix to suggest for an answer that no retry changes, by S3 error code or status. */
function remedy(c: Classified, cfg: ObjectStorageConfig): string {
  switch (c.code) {
    case 'NoSuchBucket':
      return `The bucket ${cfg.s3_bucket_name} does not exist${cfg.s3_endpoint ? ` at ${cfg.s3_endpoint}` : ''}: create it, or correct object_storage_config.s3_bucket_name.`;
    case 'InvalidAccessKeyId':
    case 'SignatureDoesNotMatch':
      return 'The store refused the access key: correct object_storage_config.access_key_id and secret_access_key.';
    case 'AccessDenied':
      return `The credentials may not write to bucket ${cfg.s3_bucket_name}: grant s3:PutObject on it (and s3:DeleteObject for check's probe object).`;
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return `The bucket is not in region ${cfg.s3_bucket_region}: correct object_storage_config.s3_bucket_region.`;
    case 'ProxyRefused':
      return c.status === 407
        ? 'The proxy wants credentials: put them in the proxy URL (HTTPS_PROXY or HTTP_PROXY, as http://user:password@host:port, URL-encoded), or list the store in NO_PROXY.'
        : "The proxy (HTTPS_PROXY or HTTP_PROXY) would not tunnel to the store: list the store's host in NO_PROXY to reach it directly, or have the proxy allow it (many proxies tunnel only to port 443).";
    case 'CredentialsProviderError':
      return 'No AWS credentials were found: set object_storage_config.access_key_id and secret_access_key, or give the connector AWS credentials (environment variables, shared credentials file, or an instance or pod role).';
    default:
      return 'Check object_storage_config (bucket name, region, endpoint and keys).';
  }
}

/**
 * Runs one S3 call with retries. Between attempts it waits like a Pinterest request: exponential backoff with full
 * jitter, at most `retry.maxRetries` retries and `retry.maxElapsedMs` in all (request time plus the waits before time
 * scaling).
 * @param action what the call does, for messages, e.g. `write s3://bucket/key`
 * @throws ObjectStorageError `transient_error` when the retries are used up, `config_error` at once for an answer no
 *   retry changes
 */
export async function withRetries(action: string, call: () => Promise<unknown>, cfg: ObjectStorageConfig, o: S3StoreOptions): Promise<void> {
  const { retry } = o;
  const started = Date.now();
  // Budget used = time spent in requests (real) + the policy's waits before time scaling; measured real sleep times,
  // scaled back up, would count a busy machine's timer lateness a thousandfold in tests.
  let sleptMs = 0;
  let waitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    if (o.signal?.aborted) throw new ObjectStorageError(`Cancelled before the storage answered: could not ${action}.`, 'transient_error');
    let c: Classified;
    try {
      await call();
      return;
    } catch (err) {
      if (o.signal?.aborted) throw new ObjectStorageError(`Cancelled before the storage answered: could not ${action}.`, 'transient_error');
      c = classifyS3Error(err);
    }
    if (!c.retryable) {
      throw new ObjectStorageError(`Could not ${action} (${c.problem}). ${remedy(c, cfg)}`, 'config_error', { status: c.status, code: c.code });
    }
    const unscaledDelay = retryDelayMs(attempt + 1, retry);
    const elapsed = Date.now() - started;
    const budgetUsed = elapsed - sleptMs + waitedMs;
    if (attempt >= retry.maxRetries || budgetUsed + unscaledDelay > retry.maxElapsedMs) {
      throw new ObjectStorageError(
        `Could not ${action} after ${attempt + 1} attempts over ${Math.round(elapsed / 1000)} s (last: ${c.problem}).`,
        'transient_error',
        { status: c.status, code: c.code },
      );
    }
    const delay = unscaledDelay * retry.timeScale;
    o.onRetry?.(`object storage: ${c.problem}`, delay);
    const before = Date.now();
    await sleep(delay, o.signal);
    sleptMs += Date.now() - before;
    waitedMs += unscaledDelay;
  }
}

/**
 * Opens the bucket of `cfg` with the AWS SDK v3 S3 client (loaded here, lazily). With `s3_endpoint`, requests go to
 * that URL with path-style addressing (`endpoint/bucket/key`) and the SDK sends checksums only where S3 requires them
 * (many S3-compatible stores refuse the newer default checksum headers). Without keys, the SDK's default credential
 * chain is used. The SDK's own retries are off: {@link withRetries} retries. Requests go through the proxy of the
 * environment as the Pinterest calls do (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`; see s3-proxy.ts).
 */
export async function openS3Store(cfg: ObjectStorageConfig, o: S3StoreOptions): Promise<ObjectStore> {
  // The pinned SDK runs on Node 20; its notice that later SDK releases will need Node 22 is not actionable for a user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-s3');
  // The proxy of the Pinterest calls, when the environment sets one (its module is loaded only then).
  const proxied = proxySettingsFromEnv();
  const agents = proxied.httpProxy || proxied.httpsProxy ? (await import('./s3-proxy.js')).s3ProxyAgents(proxied) : undefined;
  const client: S3Client = new sdk.S3Client({
    region: cfg.s3_bucket_region,
    ...(cfg.s3_endpoint
      ? { endpoint: cfg.s3_endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    ...(cfg.access_key_id && cfg.secret_access_key ? { credentials: { accessKeyId: cfg.access_key_id, secretAccessKey: cfg.secret_access_key } } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true, ...agents },
  });
  const bucket = cfg.s3_bucket_name;
  const location = `s3://${bucket}`;
  return {
    location,
    put: (key, body, contentType) =>
      withRetries(`write ${location}/${key}`, () => client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }), { abortSignal: o.signal }), cfg, o),
    delete: (key) => withRetries(`delete ${location}/${key}`, () => client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: o.signal }), cfg, o),
    close: () => client.destroy(),
  };
}
