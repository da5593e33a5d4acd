import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.js';

const valid = { ad_account_id: '549755885175', credentials: { auth_type: 'access_token', access_token: 'tok-123456' } };

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('match-quality settings', () => {
  it('date_of_birth_order is unset by default and accepts MDY or DMY', () => {
    expect(parseConfig(valid).date_of_birth_order).toBeUndefined();
    expect(parseConfig({ ...valid, date_of_birth_order: 'MDY' }).date_of_birth_order).toBe('MDY');
    expect(parseConfig({ ...valid, date_of_birth_order: 'DMY' }).date_of_birth_order).toBe('DMY');
    expect(problems({ ...valid, date_of_birth_order: 'YMD' })).toEqual(['date_of_birth_order: must be one of MDY, DMY']);
  });
});
