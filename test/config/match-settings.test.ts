import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { configProblems as problems, validConfig as valid } from './config-problems.js';

describe('match-quality settings', () => {
  it('date_of_birth_order is unset by default and accepts MDY or DMY', () => {
    expect(parseConfig(valid).date_of_birth_order).toBeUndefined();
    expect(parseConfig({ ...valid, date_of_birth_order: 'MDY' }).date_of_birth_order).toBe('MDY');
    expect(parseConfig({ ...valid, date_of_birth_order: 'DMY' }).date_of_birth_order).toBe('DMY');
    expect(problems({ ...valid, date_of_birth_order: 'YMD' })).toEqual(['date_of_birth_order: must be one of MDY, DMY']);
  });

  it('read_same_name_columns defaults to true, globally; per stream it is optional', () => {
    expect(parseConfig(valid).read_same_name_columns).toBe(true);
    const c = parseConfig({ ...valid, read_same_name_columns: false, streams: [{ name: 'orders', read_same_name_columns: true }] });
    expect(c.read_same_name_columns).toBe(false);
    expect(c.streams[0].read_same_name_columns).toBe(true);
    expect(problems({ ...valid, read_same_name_columns: 'no' })).toEqual(['read_same_name_columns: must be boolean']);
    expect(problems({ ...valid, streams: [{ name: 'orders', read_same_name_columns: 1 }] })).toEqual(['streams[0].read_same_name_columns: must be boolean']);
  });
});
