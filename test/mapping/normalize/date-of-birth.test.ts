import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import {
  DOB_AMBIGUOUS,
  DOB_IMPLAUSIBLE,
  DOB_INVALID_DATE,
  DOB_NOT_TEXT,
  DOB_UNRECOGNIZED,
  normalizeDateOfBirth,
} from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const D19900304 = '85b3c79d2579941355ff1b877f6a6c7bac464294836a8e703cf313d411fdc876';
const D20000229 = '78958c155b420adeffb55186f1ff24a0cd544a1d9577e114e7793cc45f90ae01';
const D19851130 = 'd744d704331e18e0c71e5e4750d00112ae428517a505fddbcb076735d2bd395f';

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
  { name: 'year-first underscores', input: '1990_03_04', out: '19900304', sha: D19900304 },
  { name: 'year-first spaces', input: '1990 03 04', out: '19900304', sha: D19900304 },
  { name: 'JS Date at UTC midnight', input: new Date('1990-03-04'), out: '19900304', sha: D19900304 },
  { name: 'JS Date at UTC noon', input: new Date(Date.UTC(1990, 2, 4, 12)), out: '19900304', sha: D19900304 },
  { name: 'leap day 2000', input: '2000-02-29', out: '20000229', sha: D20000229 },
  // day first / month first, told apart by a day above 12
  { name: 'German day-first dots', input: '30.11.1985', out: '19851130', sha: D19851130 },
  { name: 'US month-first slashes', input: '11/30/1985', out: '19851130', sha: D19851130 },
  { name: 'month-first dashes', input: '02-14-1979', out: '19790214', sha: '3394e9a41e411ce35cb1d62d8b921e7fc6328f825f5104fe0f53d4eedffd51c3' },
  { name: 'day-first underscores', input: '30_11_1985', out: '19851130', sha: D19851130 },
  { name: 'day-first spaces', input: '30 11 1985', out: '19851130', sha: D19851130 },
  { name: 'spaces around separators', input: '30 . 11 . 1985', out: '19851130', sha: D19851130 },
  { name: 'single digits', input: '13/3/1990', out: '19900313', sha: '49453436c9efd91ec8eb536b3aadcd3da527cf97e13019950b96e4de26dd13ff' },
  { name: 'same day and month needs no order', input: '05/05/1985', out: '19850505', sha: '5247d8632ce440beb121eb9e571cd17485f0ed545c11bb3ab2df5f9745620795' },
  { name: 'spreadsheet export with midnight', input: '11/30/1985 12:00:00 AM', out: '19851130', sha: D19851130 },
  { name: 'day-first with time', input: '30.11.1985 00:00', out: '19851130', sha: D19851130 },
  // a note about the format
  { name: 'note month/day/year', input: '11/30/1985 (month/day/year)', out: '19851130', sha: D19851130 },
  { name: 'note decides an ambiguous date', input: '04/05/1985 (dd/mm/yyyy)', out: '19850504', sha: '684fb5e6b051825f36a834c86cbd3dffdda9f969b5f9f42360365f0647f0beab' },
  { name: 'note MM/DD/YYYY in brackets', input: '04/05/1985 [MM/DD/YYYY]', out: '19850405', sha: 'f0ee24599e6a931472b8c88a2f14e4084756c03b0d02df13edc53830492db20a' },
  // month names
  { name: 'abbreviated month first', input: 'Nov 30, 1985', out: '19851130', sha: D19851130 },
  { name: 'full month, day first', input: '30 November 1985', out: '19851130', sha: D19851130 },
  { name: 'Oracle style', input: '30-NOV-1985', out: '19851130', sha: D19851130 },
  { name: 'weekday, ordinal', input: 'Saturday, November 30th, 1985', out: '19851130', sha: D19851130 },
  { name: 'ordinal with of and a dotted abbreviation', input: '30th of Nov. 1985', out: '19851130', sha: D19851130 },
  { name: 'Sept', input: 'Sept 1 1985', out: '19850901', sha: 'c17212856e613a2e04c133e097d13ea4e38919677b5b8561a823a4a5f73a707c' },
  { name: 'year first with month name', input: '1985 Nov 30', out: '19851130', sha: D19851130 },
  // CJK markers
  { name: 'Chinese/Japanese', input: '1985年11月30日', out: '19851130', sha: D19851130 },
  { name: 'Korean', input: '1985년 11월 30일', out: '19851130', sha: D19851130 },
  { name: 'earliest plausible year', input: '1900-01-01', out: '19000101', sha: '16593120226f70fa2ed5527d452c3d197e5bb7ccda6aa9463c3289ef539d48b8' },
];

describe('normalizeDateOfBirth', () => {
  it.each(rows)('$name', ({ input, out, sha }) => {
    expect(normalizeDateOfBirth(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('date_of_birth', input)).toBe(sha);
  });

  it.each(['04/05/1985', '4-5-1985', '04.05.1985', '12/01/1990'])('%s is ambiguous without date_of_birth_order', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_AMBIGUOUS);
    expect(DOB_AMBIGUOUS.message).toContain('date_of_birth_order');
  });

  it('date_of_birth_order decides ambiguous dates only', () => {
    expect(normalizeDateOfBirth('04/05/1985', { dateOfBirthOrder: 'MDY' })).toBe('19850405');
    expect(normalizeDateOfBirth('04/05/1985', { dateOfBirthOrder: 'DMY' })).toBe('19850504');
    expect(normalizeDateOfBirth('30/11/1985', { dateOfBirthOrder: 'MDY' })).toBe('19851130');
    expect(normalizeDateOfBirth('11/30/1985', { dateOfBirthOrder: 'DMY' })).toBe('19851130');
    expect(normalizeDateOfBirth('1985-04-05', { dateOfBirthOrder: 'DMY' })).toBe('19850405');
    expect(hashUserValue('date_of_birth', '04/05/1985', { dateOfBirthOrder: 'DMY' })).toBe('684fb5e6b051825f36a834c86cbd3dffdda9f969b5f9f42360365f0647f0beab');
  });

  it.each([
    '3-4-90', '90-03-04', '1990-03', '1990', '199003041', 'yesterday', '1990/03-04', 1990, 637200000000,
    'Nov 1985', 'Foo 30 1985', '11/30/1985 (whatever)', '1985-11-30 (dd/mm/yyyy)', 'Nov Dec 30 1985', '30 Nov 85',
    // Japanese era years are not read (decided for issue 13): dropped, never taken as years 60 or 2
    '昭和60年11月30日', '令和2年1月1日', 'S60.11.30', 'H2/1/1',
  ])('%s → absent with warning', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_UNRECOGNIZED);
    expect(DOB_UNRECOGNIZED.message).toBe('date_of_birth: unrecognized date format; dropped');
  });

  it.each([
    '1990-02-29', '1900-02-29', '2023-13-01', '1990-04-31', '1990-00-10', '1990-01-00', '0000-01-01', '19901301',
    new Date('nope'), '29.02.1991', '30111985', '13/13/1990', 'Feb 30, 1990', '31 April 1990',
  ])('%s is not a real calendar date', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_INVALID_DATE);
    expect(DOB_INVALID_DATE.message).toBe('date_of_birth: not a valid calendar date; dropped');
  });

  it.each(['1899-12-31', '0001-01-01', '01/01/1850', '2999-01-01', '29991231', new Date(Date.UTC(3000, 0, 1))])(
    '%s is not a plausible date of birth',
    (input) => {
      expect(normalizeDateOfBirth(input)).toBe(DOB_IMPLAUSIBLE);
    },
  );

  it('a date later than tomorrow is in the future', () => {
    const d = new Date(Date.now() + 3 * 86_400_000);
    expect(normalizeDateOfBirth(d.toISOString().slice(0, 10))).toBe(DOB_IMPLAUSIBLE);
    expect(normalizeDateOfBirth(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10))).toMatch(/^\d{8}$/);
  });

  it.each([null, undefined, '', '   '])('%j is absent', (input) => {
    expect(normalizeDateOfBirth(input)).toBeNull();
  });

  it.each([true, {}, ['1990-03-04'], Number.NaN])('%j is not text', (input) => {
    expect(normalizeDateOfBirth(input)).toBe(DOB_NOT_TEXT);
  });
});
