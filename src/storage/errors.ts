/**
 * Failures of object storage (the rejected-records file), typed with the Airbyte failure_type of the TRACE that ends
 * the sync. Kept apart from the S3 client so that importing the error type never loads the AWS SDK.
 */

/** Airbyte failure_type of an object storage failure. */
export type ObjectStorageFailureType = 'config_error' | 'transient_error';

/**
 * An object storage call that failed for good: after retries (`transient_error`), or at once for an answer that no
 * retry changes, such as a missing bucket or refused credentials (`config_error`). The message names the bucket, the
 * key and the storage's error code, never a credential or a row's content.
 */
export class ObjectStorageError extends Error {
  constructor(
    message: string,
    readonly failureType: ObjectStorageFailureType,
    readonly details: { status?: number; code?: string } = {},
  ) {
    super(message);
    this.name = 'ObjectStorageError';
  }
}
