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
});
