import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { GENDER_NOT_TEXT, GENDER_UNRECOGNIZED, normalizeGender } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const SHA = {
  f: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
  m: '62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a',
  n: '1b16b1df538ba12dc3f97edbb85caa7050d46c148134290feba80f8236c83db9',
} as const;

const rows: Array<[string, 'f' | 'm' | 'n']> = [
  ['F', 'f'], ['f', 'f'], ['female', 'f'], ['FEMALE', 'f'], [' Woman ', 'f'], ['w', 'f'], ['W', 'f'], ['Girl', 'f'],
  ['weiblich', 'f'], ['Féminin', 'f'], ['mujer', 'f'],
  ['M', 'm'], ['male', 'm'], ['Male ', 'm'], ['MAN', 'm'], ['boy', 'm'], ['M\u00e4nnlich', 'm'], ['Homme', 'm'],
  ['n', 'n'], ['N', 'n'], ['Non-Binary', 'n'], ['nonbinary', 'n'], ['non binary', 'n'], ['NON_BINARY', 'n'],
  ['other', 'n'], ['Other', 'n'], ['x', 'n'], ['X', 'n'], ['enby', 'n'], ['divers', 'n'],
];

describe('normalizeGender', () => {
  it.each(rows)('%j → %s', (input, code) => {
    expect(normalizeGender(input)).toBe(code);
    expect(hashUserValue('gender', input)).toBe(SHA[code]);
  });

  it.each(['f', 'm', 'n'] as const)('sha256(%s) literal', (code) => {
    expect(sha256Hex(code)).toBe(SHA[code]);
  });

  it.each(['unknown', 'u', '1', '2', 'prefer not to say', 'mf', 'n/a', 1, 2n])('%s → absent with warning', (input) => {
    expect(normalizeGender(input)).toBe(GENDER_UNRECOGNIZED);
    expect(GENDER_UNRECOGNIZED.message).toBe('gender: unrecognized value; dropped');
  });

  it.each([null, undefined, '', '  '])('%j is absent', (input) => {
    expect(normalizeGender(input)).toBeNull();
  });

  it.each([true, false, {}, ['f']])('%j is not text', (input) => {
    expect(normalizeGender(input)).toBe(GENDER_NOT_TEXT);
  });
});
