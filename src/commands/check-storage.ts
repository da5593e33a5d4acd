import type { ObjectStorageConfig } from '../config/config.js';
import { timeScaleFromEnv } from '../pinterest/retry.js';
import { ObjectStorageError } from '../storage/errors.js';
import { openS3Store } from '../storage/s3.js';

/** Outcome of {@link checkObjectStorage}: `ok` false fails `check` with `message`; with `ok` true it is a note. */
export interface StorageCheck {
  ok: boolean;
  message: string;
}

/**
 * Proves that syncs can write rejected-records files: writes a small probe object under `bucket_path` with the same
 * client and settings a sync uses, then deletes it. A refused delete does not fail the check (syncs only write
 * objects) but is reported, so the user can remove the probe by hand. Retries transient failures twice, as `check`
 * does with Pinterest.
 * @param nowMs Unix epoch ms, for the probe's name
 */
export async function checkObjectStorage(cfg: ObjectStorageConfig, nowMs: number = Date.now()): Promise<StorageCheck> {
  const store = await openS3Store(cfg, { retry: { maxRetries: 2, maxElapsedMs: 20_000, baseDelayMs: 500, maxDelayMs: 5_000, timeScale: timeScaleFromEnv() } });
  const probe = `${cfg.bucket_path ? `${cfg.bucket_path}/` : ''}airbyte-connection-check-${nowMs}.txt`;
  const folder = `${store.location}/${cfg.bucket_path ? `${cfg.bucket_path}/` : ''}`;
  try {
    try {
      await store.put(probe, Buffer.from('Written by the check of the Pinterest Conversions destination; safe to delete.\n'), 'text/plain');
    } catch (err) {
      return { ok: false, message: `Rejected-records storage (object_storage_config): ${describe(err, cfg)}` };
    }
    try {
      await store.delete(probe);
    } catch (err) {
      return {
        ok: true,
        message: `Rejected records will be written to ${folder}. The check's probe object ${store.location}/${probe} could not be deleted (${describe(err, cfg)}): remove it by hand; syncs only need to write objects.`,
      };
    }
    return { ok: true, message: `Rejected records will be written to ${folder}.` };
  } finally {
    store.close();
  }
}

/** An object storage failure in one sentence with its remedy; network trouble names the endpoint to check. */
function describe(err: unknown, cfg: ObjectStorageConfig): string {
  if (!(err instanceof ObjectStorageError)) return `unexpected error: ${(err as Error)?.message ?? String(err)}`;
  if (err.failureType === 'transient_error') {
    return `${err.message} Check that this machine can reach ${cfg.s3_endpoint ?? `S3 in region ${cfg.s3_bucket_region}`} and test again.`;
  }
  return err.message;
}
