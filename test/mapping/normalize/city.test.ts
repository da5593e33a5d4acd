import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { CITY_NOT_TEXT, normalizeCity } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const rows = [
  { name: 'space removed', input: 'New York', out: 'newyork', sha: '350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5' },
  { name: 'punctuation and padding removed', input: ' St. Louis ', out: 'stlouis', sha: '8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3' },
  { name: 'accent kept', input: 'S\u00e3o Paulo', out: 's\u00e3opaulo', sha: '3eda1428ae1aece064071f8d40f08fe2bc59ffa66c171a163caf15122ec4d7f0' },
  { name: 'decomposed accent → NFC', input: 'Sa\u0303o Paulo', out: 's\u00e3opaulo', sha: '3eda1428ae1aece064071f8d40f08fe2bc59ffa66c171a163caf15122ec4d7f0' },
  { name: 'hyphen removed', input: 'WINSTON-SALEM', out: 'winstonsalem', sha: '9e54909cf7a66751ffbdfb4f79635e6d36de413d76f86c5ef42cb8b697662751' },
  { name: 'umlaut kept', input: 'Z\u00fcrich', out: 'z\u00fcrich', sha: '201f10d5d64518d86d2d3a47d28675d1c788762c5345df643dadec71d4e0a91e' },
  // Documented: locale-independent lowercase turns İ into i + U+0307, which is a combining mark and is kept.
  { name: 'Turkish İSTANBUL', input: '\u0130STANBUL', out: 'i\u0307stanbul', sha: '4a4df120f7d1f3c286f58651abfcec2aade892ace635f96f02b946c96e6e1f86' },
  // Devanagari vowel signs are combining marks; dropping them would mangle the name.
  { name: 'Devanagari keeps vowel signs', input: '\u092e\u0941\u0902\u092c\u0908', out: '\u092e\u0941\u0902\u092c\u0908', sha: '1e402314a3d086c9e3c7eb355cebfc9044306c7b796168ec4f45cc456d00b51b' },
];

describe('normalizeCity', () => {
  it.each(rows)('$name', ({ input, out, sha }) => {
    expect(normalizeCity(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('city', input)).toBe(sha);
  });

  it('"İSTANBUL" is 9 code points: i, U+0307, s, t, a, n, b, u, l', () => {
    expect([...(normalizeCity('\u0130STANBUL') as string)].length).toBe(9);
  });

  it.each([null, undefined, '', '  ', '---', '. , ;'])('%j is absent', (input) => {
    expect(normalizeCity(input)).toBeNull();
  });

  it.each([true, {}, [], new Date(0)])('%j is not text', (input) => {
    expect(normalizeCity(input)).toBe(CITY_NOT_TEXT);
    expect(CITY_NOT_TEXT.message).toBe('city: not a text value; dropped');
  });
});
