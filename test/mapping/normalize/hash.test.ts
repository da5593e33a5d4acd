import { describe, expect, it } from 'vitest';
import { isSha256Hex, sha256Hex } from '../../../src/mapping/hash.js';
import {
  NOT_TEXT,
  foldKey,
  isRejected,
  keepLettersAndDigits,
  normalizeText,
  rejection,
  toText,
} from '../../../src/mapping/normalize/index.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
describe('sha256Hex', () => {
  it.each([
    ['john.doe@example.com', '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f'],
    ['jos\u00e9', 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866'],
    ['\u092e\u0941\u0902\u092c\u0908', '1e402314a3d086c9e3c7eb355cebfc9044306c7b796168ec4f45cc456d00b51b'],
    ['f', '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111'],
  ])('hashes %j as UTF-8, lowercase hex', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it('does not normalize: decomposed and composed é hash differently', () => {
    expect(sha256Hex('jose\u0301')).not.toBe(sha256Hex('jos\u00e9'));
  });
});

describe('isSha256Hex', () => {
  const digest = '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f';
  it.each([
    [digest, true],
    [digest.toUpperCase(), true],
    [digest.slice(1), false],
    [digest + '0', false],
    [digest.slice(1) + 'g', false],
    [` ${digest}`, false],
    ['', false],
    [42, false],
    [null, false],
  ])('%j → %s', (s, expected) => {
    expect(isSha256Hex(s)).toBe(expected);
  });
});

describe('text building blocks', () => {
  it('toText coerces only obvious scalars', () => {
    expect(toText('  a ')).toBe('  a ');
    expect(toText(14155550123)).toBe('14155550123');
    expect(toText(12345678901234567890n)).toBe('12345678901234567890');
    expect(toText(null)).toBeNull();
    expect(toText(undefined)).toBeNull();
    expect(toText(true)).toBe(NOT_TEXT);
    expect(toText(Number.NaN)).toBe(NOT_TEXT);
    expect(toText(Infinity)).toBe(NOT_TEXT);
    expect(toText({})).toBe(NOT_TEXT);
    expect(toText([])).toBe(NOT_TEXT);
    expect(toText(new Date(0))).toBe(NOT_TEXT);
    expect(toText(Symbol('x'))).toBe(NOT_TEXT);
  });

  it('normalizeText: NFC, trim, locale-independent lowercase', () => {
    expect(normalizeText('  JOSE\u0301 ')).toBe('jos\u00e9');
    // U+0130 lowercases to i + U+0307 whatever the process locale; dotless ı stays ı.
    expect(normalizeText('\u0130STANBUL')).toBe('i\u0307stanbul');
    expect(normalizeText('I\u015eIL')).toBe('i\u015fil');
    expect(normalizeText('\u0131')).toBe('\u0131');
    expect(normalizeText(' \t\n ')).toBe('');
  });

  it('keepLettersAndDigits keeps letters, marks and digits only', () => {
    expect(keepLettersAndDigits("st. louis, mo 63101 — l'été!")).toBe('stlouismo63101lété');
  });

  it('foldKey ignores case, accents, punctuation and &/and', () => {
    expect(foldKey("C\u00f4te d'Ivoire")).toBe('cotedivoire');
    expect(foldKey('U.S.A.')).toBe('usa');
    expect(foldKey('Newfoundland & Labrador')).toBe(foldKey('newfoundland and labrador'));
  });

  it('rejections are frozen and recognised', () => {
    const r = rejection('x: test; dropped');
    expect(Object.isFrozen(r)).toBe(true);
    expect(isRejected(r)).toBe(true);
    expect(isRejected('x')).toBe(false);
    expect(isRejected(null)).toBe(false);
  });
});
