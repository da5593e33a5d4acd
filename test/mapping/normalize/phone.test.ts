import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import {
  type NormalizeContext,
  PHONE_INTERNATIONAL_GUESS,
  PHONE_INVALID,
  PHONE_NO_COUNTRY,
  PHONE_NOT_TEXT,
  isInternationalGuess,
  normalizePhone,
} from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const US = '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a'; // 14155550123
const UK = '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823'; // 442079460958
const UK_BRISTOL = 'decc623f3cb5438ef69f748ebb8ceef6111dfcb83b8ee0f54b5a2f179ecf25d2'; // 441174960123
const DE = '8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd'; // 4915112345678
const FR_FIXED = 'c473fbda80d42b39ba327f6a8b30fc64390255128a1b9d411179454bb58e5ec7'; // 33123456789
const FR_MOBILE = '8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661'; // 33612345678
const IN = '92b5072176e723878b5e06ff3ca61898e4eb74e8c46642a0f2db800b17364ab0'; // 919876543210
const BR = 'eeff2a7b3fdffa242c44700da8293d40c64a070956a3cdac36a4553dd4786704'; // 5511912345678
const IT = '7a5735b98d13c7c49ca81b929eaf5d80a59111f5875f370475fd75796a3da5d1'; // 393912345678
const US_VANITY = 'db6440f538278fe6d6f67bd7877659a1e5f176ccde650dbdcaddec097f1af152'; // 18003569377

interface Row {
  name: string;
  input: unknown;
  ctx?: NormalizeContext;
  out: string;
  sha: string;
}

const rows: Row[] = [
  // United States
  { name: 'US international with +', input: '+1 (415) 555-0123', out: '14155550123', sha: US },
  { name: 'US national, record country', input: '(415) 555-0123', ctx: { country: 'us' }, out: '14155550123', sha: US },
  { name: 'US national, default country any case', input: '415.555.0123', ctx: { defaultPhoneCountry: 'US' }, out: '14155550123', sha: US },
  { name: 'US with leading 1, no +', input: '1-415-555-0123', ctx: { defaultPhoneCountry: 'us' }, out: '14155550123', sha: US },
  { name: 'US as a JS number, no country', input: 14155550123, out: '14155550123', sha: US },
  { name: 'US as a bigint', input: 14155550123n, ctx: { country: 'us' }, out: '14155550123', sha: US },
  { name: 'US with extension (ignored)', input: '+1 415 555 0123 ext. 45', out: '14155550123', sha: US },
  { name: 'US tel: URI', input: 'tel:+1-415-555-0123', out: '14155550123', sha: US },
  { name: 'US vanity letters', input: '1-800-FLOWERS', ctx: { country: 'us' }, out: '18003569377', sha: US_VANITY },
  { name: 'US vanity letters, international', input: '+1 800 FLOWERS', out: '18003569377', sha: US_VANITY },
  // United Kingdom
  { name: 'UK + with (0) trunk digit', input: '+44 (0)20 7946 0958', out: '442079460958', sha: UK },
  { name: 'UK + with (0) and a space inside', input: '+44 (0) 20 7946 0958', out: '442079460958', sha: UK },
  { name: 'UK + with trunk 0 kept', input: '+44 020 7946 0958', out: '442079460958', sha: UK },
  { name: 'UK national', input: '020 7946 0958', ctx: { country: 'gb' }, out: '442079460958', sha: UK },
  { name: 'UK (0) national', input: '(0)20 7946 0958', ctx: { country: 'gb' }, out: '442079460958', sha: UK },
  { name: 'UK with 00 prefix, US record', input: '0044 20 7946 0958', ctx: { country: 'us' }, out: '442079460958', sha: UK },
  { name: 'UK with 00 prefix and (0), US record', input: '0044 (0)20 7946 0958', ctx: { country: 'us' }, out: '442079460958', sha: UK },
  { name: 'UK with 011 prefix, US record', input: '011 44 20 7946 0958', ctx: { country: 'us' }, out: '442079460958', sha: UK },
  { name: 'UK with 011 prefix, DE record', input: '011 44 20 7946 0958', ctx: { country: 'de' }, out: '442079460958', sha: UK },
  { name: 'UK with 00 prefix, FR default', input: '00 44 20 7946 0958', ctx: { defaultPhoneCountry: 'FR' }, out: '442079460958', sha: UK },
  { name: 'UK digits with calling code, US record', input: '442079460958', ctx: { country: 'us' }, out: '442079460958', sha: UK },
  { name: 'UK digits with calling code, no country', input: '442079460958', out: '442079460958', sha: UK },
  { name: 'UK Bristol 0117 is not an 011 prefix', input: '0117 496 0123', ctx: { country: 'gb' }, out: '441174960123', sha: UK_BRISTOL },
  // Germany
  { name: 'DE national mobile', input: '0151 12345678', ctx: { country: 'de' }, out: '4915112345678', sha: DE },
  { name: 'DE international with (0)', input: '+49 (0)151 1234 5678', out: '4915112345678', sha: DE },
  { name: 'DE 00 prefix, DE record', input: '0049 151 12345678', ctx: { country: 'de' }, out: '4915112345678', sha: DE },
  { name: 'DE calling code already there, default DE', input: '4915112345678', ctx: { defaultPhoneCountry: 'DE' }, out: '4915112345678', sha: DE },
  { name: 'DE calling code already there, record DE', input: '49 151 12345678', ctx: { country: 'de' }, out: '4915112345678', sha: DE },
  { name: 'DE calling code already there, no country', input: '4915112345678', out: '4915112345678', sha: DE },
  // France
  { name: 'FR national fixed', input: '01 23 45 67 89', ctx: { country: 'fr' }, out: '33123456789', sha: FR_FIXED },
  { name: 'FR national mobile with dots', input: '06.12.34.56.78', ctx: { country: 'fr' }, out: '33612345678', sha: FR_MOBILE },
  { name: 'FR international', input: '+33 6 12 34 56 78', out: '33612345678', sha: FR_MOBILE },
  { name: 'FR international with (0)', input: '+33 (0)6 12 34 56 78', out: '33612345678', sha: FR_MOBILE },
  { name: 'FR calling code already there', input: '33612345678', ctx: { country: 'fr' }, out: '33612345678', sha: FR_MOBILE },
  // India
  { name: 'IN international', input: '+91 98765 43210', out: '919876543210', sha: IN },
  { name: 'IN national with trunk 0', input: '098765 43210', ctx: { country: 'in' }, out: '919876543210', sha: IN },
  { name: 'IN calling code already there', input: '919876543210', ctx: { defaultPhoneCountry: 'IN' }, out: '919876543210', sha: IN },
  { name: 'IN 00 prefix, GB record', input: '00 91 98765 43210', ctx: { country: 'gb' }, out: '919876543210', sha: IN },
  // Brazil
  { name: 'BR national', input: '(11) 91234-5678', ctx: { country: 'br' }, out: '5511912345678', sha: BR },
  { name: 'BR international', input: '+55 11 91234-5678', out: '5511912345678', sha: BR },
  { name: 'BR calling code already there', input: '5511912345678', ctx: { country: 'br' }, out: '5511912345678', sha: BR },
  { name: 'BR calling code already there, US default', input: '5511912345678', ctx: { defaultPhoneCountry: 'US' }, out: '5511912345678', sha: BR },
  // Italy: a national mobile number that begins with the calling code digits must not lose them
  { name: 'IT mobile starting with 39', input: '391 234 5678', ctx: { country: 'it' }, out: '393912345678', sha: IT },
  // National numbers that look like other countries' international numbers stay national
  { name: 'CN mobile (no trunk 0) is not read as +1', input: '131 2345 6789', ctx: { country: 'cn' }, out: '8613123456789', sha: '86079e2783d881ca61c4b80b06b97d039f6043d85e72d23b380fbe63655a33ef' },
  { name: 'DE mobile without its trunk 0 is not read as +1', input: '151 23456789', ctx: { country: 'de' }, out: '4915123456789', sha: 'c0f8f0bebbbac96451ee8d8def84a02ae9e34c877775437cb9d458328315afa7' },
  { name: 'US national with default US', input: '201-555-0123', ctx: { defaultPhoneCountry: 'us' }, out: '12015550123', sha: 'a0812289d382e13212c27c808ae6bebbb59ee887e71db3883883f0b87baebf4e' },
  // Documented limits (see normalizePhone): without any country a bare number is read as international ...
  { name: 'limit: no country, bare US national reads as Egypt +20', input: '2015550123', out: '2015550123', sha: '5219e4c445ea51892ac95fb11e51a0c53d792f8aeecfac58f5c1d02c0e7431e5' },
  // ... and a foreign number without "+" that the record country's plan accepts stays national.
  { name: 'limit: UK digits in a DE record read as German', input: '442079460958', ctx: { country: 'de' }, out: '49442079460958', sha: 'e4412324fe0ab19ef752ab611066acfa092c6d80d0ec0928875696469770a785' },
  // Record country wins over the default
  { name: 'record country beats default', input: '020 7946 0958', ctx: { country: 'gb', defaultPhoneCountry: 'US' }, out: '442079460958', sha: UK },
];

describe('normalizePhone', () => {
  it.each(rows)('$name', ({ input, ctx, out, sha }) => {
    expect(normalizePhone(input, ctx)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('phone', input, ctx)).toBe(sha);
  });

  it.each<[unknown, NormalizeContext | undefined]>([
    ['555-0123', { country: 'us' }], // too short (a local-only length)
    ['123', { country: 'de' }],
    ['not a phone', { country: 'us' }],
    ['000000000', { country: 'fr' }], // possible by length, but one digit repeated is a filler
    ['(999) 999-9999', { country: 'us' }],
    ['+999 123 456', undefined], // no such calling code
    ['+1 212 555 019', undefined], // too short for +1
    ['+1 415 555 01234', undefined], // too long for +1
    ['+44 20 7946 09581234', undefined],
    ['+1-800-FLOWERSX', undefined], // too long once the letters are keypad digits
    [1.5, { country: 'us' }],
    [-14155550123, undefined],
    ['x'.repeat(500), { country: 'us' }],
  ])('drops %j (%j) as not possible', (input, ctx) => {
    expect(normalizePhone(input, ctx)).toBe(PHONE_INVALID);
    expect(PHONE_INVALID.message).toBe('phone: not a possible phone number (wrong length for its country, or not a number); dropped');
  });

  it.each<[unknown, NormalizeContext | undefined]>([
    ['(415) 555-0123', undefined], // national number and no country at all
    ['2025550143', undefined],
    ['4155550123', undefined],
    ['(415) 555-0123', { defaultPhoneCountry: 'zz' }],
  ])('drops %j (%j): no country to read a national number with', (input, ctx) => {
    expect(normalizePhone(input, ctx)).toBe(PHONE_NO_COUNTRY);
    expect(PHONE_NO_COUNTRY.message).toContain('set default_phone_country');
  });

  // Possible (right length) but not valid in the pinned metadata's number ranges: sent, since a newly allocated
  // range must not lose its match and an unassigned number costs nothing.
  it.each<[string, NormalizeContext | undefined, string, string]>([
    ['+1 999 555 0123', undefined, '19995550123', '38e4255daa8ebe5ed78d0d592fc2495b56f3615213cae7049b30f038eee9c1b6'],
    ['(999) 555-0123', { country: 'us' }, '19995550123', '38e4255daa8ebe5ed78d0d592fc2495b56f3615213cae7049b30f038eee9c1b6'],
    ['+44 20 7946 095', undefined, '44207946095', '5165a1e549c7e627840f415c09f4236b9b86b7a0d8ded85005a63905814302a9'],
  ])('sends the possible number %j (%j)', (input, ctx, out, sha) => {
    expect(normalizePhone(input, ctx)).toBe(out);
    expect(hashUserValue('phone', input, ctx)).toBe(sha);
  });

  it.each<[string, string, string]>([
    ['+001 212 555 0199', '12125550199', 'b220e5682592149df1f2233622bf380dbbdb495ed6a836271b4ea4e1f0b2c6e4'],
    ['+0049 30 901820', '4930901820', 'c03f76216358b07b09a300613908002987efc1ae9a2ef2a85d57d5a971bf821a'],
    ['+00 49 (0)30 901820', '4930901820', 'c03f76216358b07b09a300613908002987efc1ae9a2ef2a85d57d5a971bf821a'],
    ['+011 44 20 7946 0958', '442079460958', UK],
  ])('reads the international prefix typed after a plus: %j', (input, out, sha) => {
    expect(normalizePhone(input)).toBe(out);
    expect(normalizePhone(input, { country: 'fr' })).toBe(out);
    expect(hashUserValue('phone', input)).toBe(sha);
  });

  it('says when a number without + was read as international by guessing', () => {
    expect(normalizePhone('442079460958')).toBe('442079460958');
    expect(isInternationalGuess('442079460958')).toBe(true);
    expect(isInternationalGuess('442079460958', { defaultPhoneCountry: 'US' })).toBe(false);
    expect(isInternationalGuess('442079460958', { country: 'gb' })).toBe(false);
    expect(isInternationalGuess('+44 20 7946 0958')).toBe(false);
    expect(isInternationalGuess('0044 20 7946 0958')).toBe(false);
    expect(isInternationalGuess(442079460958)).toBe(true);
    expect(PHONE_INTERNATIONAL_GUESS.message).toContain('default_phone_country');
  });

  it.each([true, {}, ['+14155550123'], new Date(0), Number.NaN, Infinity])('%j is not text', (input) => {
    expect(normalizePhone(input)).toBe(PHONE_NOT_TEXT);
  });

  it.each([null, undefined, '', '   '])('%j is absent', (input) => {
    expect(normalizePhone(input, { country: 'us' })).toBeNull();
  });

  it('an unsupported record country falls back to the default', () => {
    expect(normalizePhone('(415) 555-0123', { country: 'aq', defaultPhoneCountry: 'us' })).toBe('14155550123');
    expect(normalizePhone('(415) 555-0123', { defaultPhoneCountry: 'zz' })).toBe(PHONE_NO_COUNTRY);
  });

  it('pre-hashed uppercase hex is passed through lowercased', () => {
    expect(hashUserValue('phone', US.toUpperCase(), { country: 'us' })).toBe(US);
  });
});
