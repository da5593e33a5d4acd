import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import { EMAIL_NOT_AN_ADDRESS, EMAIL_NOT_TEXT, normalizeEmail } from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const JOHN = '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f';
const JANE = '8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d';

describe('normalizeEmail', () => {
  it.each([
    { name: 'mixed case and whitespace', input: '  John.Doe@Example.COM ', out: 'john.doe@example.com', sha: JOHN },
    { name: 'tabs and newlines around', input: '\tjohn.doe@example.com\n', out: 'john.doe@example.com', sha: JOHN },
    {
      name: 'decomposed accent becomes NFC',
      input: 'JOSE\u0301@EXAMPLE.COM',
      out: 'jos\u00e9@example.com',
      sha: 'b0a53cf19e34d05b57bced7365c6b00ddbe38d62957e863de2a66a56c3b42cea',
    },
    {
      name: 'no provider rewriting (dots, +tag kept)',
      input: 'First.Last+Tag@Gmail.com',
      out: 'first.last+tag@gmail.com',
      sha: 'a3997a3fbbd1a0839c1eb9240489103ddc167f6b5cfa1c429c48ff2190346a4f',
    },
    // What exports and CRMs add around an address (a reviewer's cases): removed before hashing, or the hash never matches.
    { name: 'display name around the address', input: 'Jane Doe <Jane@Example.com>', out: 'jane@example.com', sha: JANE },
    { name: 'quoted display name', input: '"Doe, Jane" <jane@example.com>', out: 'jane@example.com', sha: JANE },
    { name: 'mailto: prefix', input: 'MAILTO:jane@example.com', out: 'jane@example.com', sha: JANE },
    { name: 'zero-width space and BOM', input: '\u200b jane@exam\u200dple.com\ufeff', out: 'jane@example.com', sha: JANE },
    { name: 'bidi marks, invisible separator, Mongolian vowel separator', input: '\u200fjane\u2063@example.com\u200e\u180e', out: 'jane@example.com', sha: JANE },
    { name: 'mailto: link with a query', input: 'mailto:jane@example.com?subject=hi', out: 'jane@example.com', sha: JANE },
  ])('$name', ({ input, out, sha }) => {
    expect(normalizeEmail(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('email', input)).toBe(sha);
  });

  it.each(['no-at-sign', '@example.com', 'john@', 'a@b@example.com', '@', 42, 14155550123n, 'jane doe@example.com', 'a@x.com, b@y.com', 'jane@example.com (work)', '<>', 'mailto:', 'Jane <jane@example.com'])(
    'drops %s with a value-free warning',
    (input) => {
      expect(normalizeEmail(input)).toBe(EMAIL_NOT_AN_ADDRESS);
      expect(EMAIL_NOT_AN_ADDRESS.message).toBe('email: not an email address; dropped');
    },
  );

  it.each([null, undefined, '', '   ', '\t\n'])('%j is absent, no warning', (input) => {
    expect(normalizeEmail(input)).toBeNull();
    expect(hashUserValue('email', input)).toBeNull();
  });

  it.each([true, false, {}, { email: 'a@b.c' }, new Date(0), Number.NaN])('%j is not text', (input) => {
    expect(normalizeEmail(input)).toBe(EMAIL_NOT_TEXT);
    expect(EMAIL_NOT_TEXT.message).toBe('email: not a text value; dropped');
  });

  it('pre-hashed uppercase hex is lowercased and never hashed again', () => {
    expect(hashUserValue('email', `  ${JOHN.toUpperCase()} `)).toBe(JOHN);
  });
});
