import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import {
  DOB_INVALID_DATE,
  DOB_NOT_TEXT,
  DOB_UNRECOGNIZED,
  normalizeDateOfBirth,
} from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const D19900304 = '85b3c79d2579941355ff1b877f6a6c7bac464294836a8e703cf313d411fdc876';
const D20000229 = '78958c155b420adeffb55186f1ff24a0cd544a1d9577e114e7793cc45f90ae01';

const rows: Array<{ name: string; input: unknown; out: string; sha: string }> = [
  { name: 'ISO date', input: '1990-03-04', out: '19900304', sha: D19900304 },
  { name: 'ISO date, padded with spaces', input: ' 1990-03-04 ', out: '19900304', sha: D19900304 },
  { name: 'ISO date, single-digit month/day', input: '1990-3-4', out: '19900304', sha: D19900304 },
  { name: 'ISO timestamp Z', input: '1990-03-04T00:00:00Z', out: '19900304', sha: D19900304 },
  { name: 'ISO timestamp with millis', input: '1990-03-04T00:00:00.000Z', out: '19900304', sha: D19900304 },
  { name: 'SQL timestamp', input: '1990-03-04 00:00:00', out: '19900304', sha: D19900304 },
  { name: 'timestamp with offset keeps the written date', input: '1990-03-04T23:30:00+02:00', out: '19900304', sha: D19900304 },
  { name: 'timestamp with UTC suffix', input: '1990-03-04 00:00:00 UTC', out: '19900304', sha: D19900304 },
  { name: 'compact string', input: '19900304', out: '19900304', sha: D19900304 },
  { name: 'compact number', input: 19900304, out: '19900304', sha: D19900304 },
  { name: 'compact bigint', input: 19900304n, out: '19900304', sha: D19900304 },
  { name: 'year-first slashes', input: '1990/03/04', out: '19900304', sha: D19900304 },
  { name: 'year-first dots', input: '1990.03.04', out: '19900304', sha: D19900304 },
  { name: 'JS Date at UTC midnight', input: new Date('1990-03-04'), out: '19900304', sha: D19900304 },
  { name: 'JS Date at UTC noon', input: new Date(Date.UTC(1990, 2, 4, 12)), out: '19900304', sha: D19900304 },
  { name: 'leap day 2000', input: '2000-02-29', out: '20000229', sha: D20000229 },
];

describe('normalizeDateOfBirth', () => {
  it.each(rows)('$name', ({ input, out, sha }) => {
    expect(normalizeDateOfBirth(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('date_of_birth', input)).toBe(sha);
  });

  it.each([
    '03/04/1990', '3/4/1990', '04.03.1990', '3-4-90', '03-04-1990', '90-03-04', 'March 4, 1990', '4 Mar 1990',
    '1990-03', '1990', '199003041', 'yesterday', '1990/03-04', 1990, 637200000000,
  ])('%s → absent with warning', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_UNRECOGNIZED);
    expect(DOB_UNRECOGNIZED.message).toBe('date_of_birth: ambiguous or unrecognized date format; dropped');
  });

  it.each(['1990-02-29', '1900-02-29', '2023-13-01', '1990-04-31', '1990-00-10', '1990-01-00', '0000-01-01', '19901301', new Date('nope')])(
    '%s is not a real calendar date',
    (input) => {
      expect(normalizeDateOfBirth(input)).toBe(DOB_INVALID_DATE);
      expect(DOB_INVALID_DATE.message).toBe('date_of_birth: not a valid calendar date; dropped');
    },
  );

  it.each([null, undefined, '', '   '])('%j is absent', (input) => {
    expect(normalizeDateOfBirth(input)).toBeNull();
  });

  it.each([true, {}, ['1990-03-04'], Number.NaN])('%j is not text', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_NOT_TEXT);
  });
});
