import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { type NormalizeContext, ZIP_NOT_TEXT, ZIP_NOT_US, normalizeZip } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const SHA: Record<string, string> = {
  '94103': '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789',
  '02134': '1f75e2dac5b82521f112e293235aaeeb5dad684c5ede8469c1ec015b22bba44c',
  '00601': 'ae1be63abdfa9902616eeb1ac5045fb746c230958e2188b1b388c7ec93b289e5',
  sw1a2aa: 'a5c027b44d4d7b5acc1d9375b4e4b718863ae903b9f2b01697f686ca2522b8ce',
  k1a0b1: '3e8d74314dc02166b1ea8c7bd8c2357fb3f9898074395b8c57f8799848b4daa1',
  '75008': '90ec8b854deaf7b1a4e042dd5560f41bb54c0c8bea490d467827c51fe710aede',
  '1010': '7a5df5ffa0dec2228d90b8d0a0f1b0767b748b0a41314c123075b8289e4e053f',
  '00950': '157c5bb53cacd69115a429c3a9257890995f3410caf57a12e1959f70c7b3fbec',
};

const rows: Array<[unknown, NormalizeContext | undefined, string]> = [
  ['94103', undefined, '94103'],
  [' 94103 ', { country: 'us' }, '94103'],
  ['94103-1234', undefined, '94103'],
  ['94103 1234', undefined, '94103'],
  ['94103-1234', { country: 'us' }, '94103'],
  ['941031234', { country: 'us' }, '94103'],
  [941031234, { country: 'us' }, '94103'],
  [94103, undefined, '94103'],
  // Leading zeros lost by a numeric column are restored for US records only.
  [2134, { country: 'us' }, '02134'],
  ['2134-5678', { country: 'us' }, '02134'],
  ['02134', { country: 'us' }, '02134'],
  [601, { country: 'pr' }, '00601'],
  ['SW1A 2AA', { country: 'gb' }, 'sw1a2aa'],
  ['sw1a2aa', undefined, 'sw1a2aa'],
  [' SW1A-2AA ', undefined, 'sw1a2aa'],
  ['K1A 0B1', { country: 'ca' }, 'k1a0b1'],
  ['K1A0B1', undefined, 'k1a0b1'],
  ['75008', { country: 'fr' }, '75008'],
  ['1010', { country: 'at' }, '1010'],
  ['00-950', { country: 'pl' }, '00950'],
];

describe('normalizeZip', () => {
  it.each(rows)('%j (%j) → %s', (input, ctx, out) => {
    expect(normalizeZip(input, ctx)).toBe(out);
    expect(sha256Hex(out)).toBe(SHA[out]);
    expect(hashUserValue('zip_code', input, ctx)).toBe(SHA[out]);
  });

  it.each(['SW1A 2AA', '12', '123456', 'abcde', '94103-12', '94103-1234-5'])('%j with country us → warning', (input) => {
    expect(normalizeZip(input, { country: 'us' })).toBe(ZIP_NOT_US);
  });

  it('ZIP_NOT_US message', () => {
    expect(ZIP_NOT_US.message).toBe('zip_code: not a valid US ZIP code; dropped');
  });

  it.each([null, undefined, '', '   ', '--'])('%j is absent', (input) => {
    expect(normalizeZip(input)).toBeNull();
  });

  it.each([true, {}, ['94103']])('%j is not text', (input) => {
    expect(normalizeZip(input)).toBe(ZIP_NOT_TEXT);
  });
});
