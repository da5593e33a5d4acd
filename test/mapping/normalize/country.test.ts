import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { COUNTRY_NOT_TEXT, COUNTRY_UNRECOGNIZED, normalizeCountry } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const SHA: Record<string, string> = {
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  gb: '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677',
  de: '959a45d44e6fcf58361ed004681556fe50129f2109e817dec098c00c9e5d2578',
  ci: '1b158839f8aa339e89bb50b1603e90ec68e0fd5565fe10a7cb32729fddf7070a',
  tr: '7817bb812e82168bd48fe1ea6783078d42be37e8db9bdaafdac5c45804aca64f',
  fr: '67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18',
  ca: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
};

const rows: Array<[string, string]> = [
  ['US', 'us'], ['us', 'us'], [' usa ', 'us'], ['USA', 'us'], ['U.S.', 'us'], ['U.S.A.', 'us'],
  ['United States', 'us'], ['United States of America', 'us'], ['UNITED STATES OF AMERICA', 'us'],
  ['GB', 'gb'], ['GBR', 'gb'], ['UK', 'gb'], ['U.K.', 'gb'], ['United Kingdom', 'gb'], ['Great Britain', 'gb'],
  ['England', 'gb'], ['Scotland', 'gb'], ['Wales', 'gb'],
  ['DE', 'de'], ['deu', 'de'], ['Germany', 'de'],
  ["C\u00f4te d'Ivoire", 'ci'], ["Cote d'Ivoire", 'ci'], ['Co\u0302te d\u2019Ivoire', 'ci'], ['Ivory Coast', 'ci'], ['CIV', 'ci'],
  ['T\u00fcrkiye', 'tr'], ['TURKEY', 'tr'],
  ['France', 'fr'], ['fra', 'fr'], ['Canada', 'ca'], ['CAN', 'ca'],
];

describe('normalizeCountry', () => {
  it.each(rows)('%j → %s', (input, code) => {
    expect(normalizeCountry(input)).toBe(code);
    expect(sha256Hex(code)).toBe(SHA[code]);
    expect(hashUserValue('country', input)).toBe(SHA[code]);
  });

  it.each(['Atlantis', 'XX', 'ZZZ', '840', 840, 'Europe', 'Congo-ish'])('%j → absent with warning', (input) => {
    expect(normalizeCountry(input)).toBe(COUNTRY_UNRECOGNIZED);
    expect(COUNTRY_UNRECOGNIZED.message).toBe('country: unrecognized country; dropped');
  });

  it('"Congo" alone is ISO-3166 CG; DR Congo needs its own name', () => {
    expect(normalizeCountry('Congo')).toBe('cg');
    expect(normalizeCountry('Democratic Republic of the Congo')).toBe('cd');
  });

  it.each([null, undefined, '', '  '])('%j is absent', (input) => {
    expect(normalizeCountry(input)).toBeNull();
  });

  it.each([true, {}, ['us']])('%j is not text', (input) => {
    expect(normalizeCountry(input)).toBe(COUNTRY_NOT_TEXT);
  });
});
