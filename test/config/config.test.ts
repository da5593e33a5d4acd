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

  it('reports only the chosen credentials branch', () => {
    expect(problems({ ...valid, credentials: { auth_type: 'oauth2.0', client_id: 'x' } })).toEqual([
      'credentials.client_secret: is required',
      'credentials.refresh_token: is required',
    ]);
    expect(problems({ ...valid, credentials: { auth_type: 'password' } })).toEqual(['credentials.auth_type: must be one of access_token, oauth2.0']);
    expect(problems({ ad_account_id: '1' })).toEqual(['credentials: is required']);
  });

  it('rejects non-object configs', () => {
    expect(problems([])).toEqual(['the configuration must be a JSON object']);
  });
});
