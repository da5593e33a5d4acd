import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { configProblems as problems, validConfig as valid } from './config-problems.js';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const c = parseConfig(valid);
    expect(c.action_source).toBe('web');
    expect(c.test_mode).toBe(false);
    expect(c.max_concurrent_requests).toBe(16);
    expect(c.requests_per_minute).toBe(5000);
    expect(c.field_mapping).toEqual([]);
    expect(c.streams).toEqual([]);
    expect(c.max_rejected_percent).toBeUndefined();
  });

  it('does not modify the input object', () => {
    const raw = structuredClone(valid);
    parseConfig(raw);
    expect(raw).toEqual(valid);
  });

  it('names every problem by its path, without the values', () => {
    const p = problems({ ad_account_id: 'act_123', credentials: { auth_type: 'access_token' }, max_concurrent_requests: 99, action_source: 'email' });
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ad_account_id: must be the numeric ad account ID/),
        'credentials.access_token: is required',
        'max_concurrent_requests: must be <= 16',
        'action_source: must be one of web, app_android, app_ios, offline',
      ]),
    );
    expect(p).toHaveLength(4);
    expect(p.join(' ')).not.toContain('act_123');
  });

  it('says what a conversion_tag_id must be (a fresh reader got "does not have the expected format")', () => {
    for (const tag of ['abc', ' 123 ']) {
      expect(problems({ ...valid, conversion_tag_id: tag })).toEqual([
        'conversion_tag_id: must be the numeric ID of the Pinterest tag (digits only, no spaces), e.g. 2614113123456 (Ads Manager → Conversions); leave it empty if you have none',
      ]);
    }
  });

  it('reports only the chosen credentials branch', () => {
    expect(problems({ ...valid, credentials: { auth_type: 'oauth2.0', client_id: 'x' } })).toEqual([
      'credentials.client_secret: is required',
      'credentials.refresh_token: is required',
    ]);
    expect(problems({ ...valid, credentials: { auth_type: 'password' } })).toEqual(['credentials.auth_type: must be one of access_token, oauth2.0']);
    expect(problems({ ad_account_id: '1' })).toEqual(['credentials: is required']);
  });

  it('takes an optional setting that is null as not set, at every level, and applies its default', () => {
    // What API clients and Terraform providers send for settings left empty.
    const nulls = {
      ...valid,
      conversion_tag_id: null,
      action_source: null,
      test_mode: null,
      default_event_name: null,
      field_mapping: null,
      streams: [{ name: 'orders', default_event_name: null, field_mapping: null, read_same_name_columns: null }],
      event_name_mapping: null,
      reject_unknown_event_names: null,
      advertiser_defined_events: null,
      default_phone_country: null,
      partner_name: null,
      max_concurrent_requests: null,
      requests_per_minute: null,
      max_retries: null,
      max_retry_seconds: null,
      max_rejected_percent: null,
      date_of_birth_order: null,
      object_storage_config: null,
      read_same_name_columns: null,
    };
    const unset = { ...valid, streams: [{ name: 'orders' }] };
    expect(parseConfig(nulls)).toEqual(parseConfig(unset));
    expect(parseConfig(nulls).max_concurrent_requests).toBe(16);
    // Inside the chosen branch of credentials and object_storage_config too.
    const oauth = { auth_type: 'oauth2.0', client_id: 'app-123456', client_secret: 'secret-123456', refresh_token: 'refresh-123456' };
    expect(parseConfig({ ...valid, credentials: { ...oauth, access_token: null, token_expiry_date: null } }).credentials).toEqual(oauth);
    const s3 = { storage_type: 'S3', s3_bucket_name: 'b', s3_bucket_region: 'us-east-1', bucket_path: 'p' };
    expect(parseConfig({ ...valid, object_storage_config: { ...s3, s3_endpoint: null, access_key_id: null, secret_access_key: null } }).object_storage_config).toEqual(
      parseConfig({ ...valid, object_storage_config: s3 }).object_storage_config,
    );
  });

  it('reports a required setting that is null as required, by name; a null inside a list by position', () => {
    expect(problems({ ...valid, ad_account_id: null })).toEqual(['ad_account_id: is required']);
    expect(problems({ ...valid, credentials: null })).toEqual(['credentials: is required']);
    expect(problems({ ...valid, credentials: { auth_type: 'access_token', access_token: null } })).toEqual(['credentials.access_token: is required']);
    expect(problems({ ...valid, streams: [{ name: null }] })).toEqual(['streams[0].name: is required']);
    expect(problems({ ...valid, advertiser_defined_events: [null] })).toEqual(['advertiser_defined_events[0]: must be string']);
  });

  it('rejects non-object configs', () => {
    expect(problems([])).toEqual(['the configuration must be a JSON object']);
  });
});
