import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, parseConfig } from '../../src/config/config.js';
import { validConfig as valid } from './config-problems.js';

const s3 = { storage_type: 'S3', s3_bucket_name: 'rejected', s3_bucket_region: 'us-east-1', bucket_path: 'pinterest' };

function problems(objectStorage: unknown): string[] {
  try {
    parseConfig({ ...valid, object_storage_config: objectStorage });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('object_storage_config', () => {
  it('is off when absent or storage_type is "None"', () => {
    expect(parseConfig(valid).object_storage_config).toBeUndefined();
    expect(parseConfig({ ...valid, object_storage_config: { storage_type: 'None' } }).object_storage_config).toBeUndefined();
  });

  it('keeps an S3 setting, bucket_path without surrounding slashes and empty optional strings dropped', () => {
    const c = parseConfig({ ...valid, object_storage_config: { ...s3, bucket_path: '/pinterest/rejected/', s3_endpoint: '', access_key_id: '', secret_access_key: '' } });
    expect(c.object_storage_config).toEqual({
      storage_type: 'S3',
      s3_bucket_name: 'rejected',
      s3_bucket_region: 'us-east-1',
      bucket_path: 'pinterest/rejected',
      s3_endpoint: undefined,
      access_key_id: undefined,
      secret_access_key: undefined,
    });
  });

  it('names only the problems of the chosen storage_type, by path', () => {
    expect(problems({ storage_type: 'S3', s3_bucket_name: 'rejected' })).toEqual([
      'object_storage_config.s3_bucket_region: is required',
      'object_storage_config.bucket_path: is required',
    ]);
    expect(problems({ storage_type: 'GCS' })).toEqual(['object_storage_config.storage_type: must be one of None, S3']);
    expect(problems({ ...s3, s3_endpoint: 'minio:9000' })).toEqual([
      'object_storage_config.s3_endpoint: must be a URL starting with http:// or https://, e.g. http://minio:9000 (leave it empty for AWS S3)',
    ]);
  });

  it('wants both keys or neither, and never shows a key in a message', () => {
    const p = problems({ ...s3, access_key_id: 'AKIAEXAMPLEKEY' });
    expect(p).toEqual([
      'object_storage_config.secret_access_key: is required when access_key_id is set (give both keys, or neither to use the default AWS credentials)',
    ]);
    expect(problems({ ...s3, secret_access_key: 'very-secret' })).toEqual([
      'object_storage_config.access_key_id: is required when secret_access_key is set (give both keys, or neither to use the default AWS credentials)',
    ]);
  });

  it('counts the keys as secrets to redact', () => {
    const c = parseConfig({ ...valid, object_storage_config: { ...s3, access_key_id: 'AKIAEXAMPLEKEY', secret_access_key: 'very-secret' } });
    expect(configSecrets(c)).toEqual(['tok-123456', 'AKIAEXAMPLEKEY', 'very-secret']);
  });
});
