import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import {
  FIRST_NAME_NOT_TEXT,
  LAST_NAME_NOT_TEXT,
  normalizeFirstName,
  normalizeLastName,
} from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const rows = [
  { name: 'inner whitespace collapsed', input: '  Mary   Ann ', out: 'mary ann', sha: '343b97011010c3549fe7fcd6c226ed9431ea37b0b77ed78f6300a0098925faf1' },
  { name: 'decomposed accent → NFC', input: 'Jose\u0301', out: 'jos\u00e9', sha: 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866' },
  { name: 'precomposed uppercase accent', input: 'JOS\u00c9', out: 'jos\u00e9', sha: 'd994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866' },
  { name: 'apostrophe kept', input: "O'Brien", out: "o'brien", sha: '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668' },
  { name: 'hyphen kept', input: 'Jean-Luc', out: 'jean-luc', sha: '541459444b713dcbea4a267a8135219e7b6aadf83437691eb4ad6d72dfaba804' },
  // Locale-independent lowercase: U+0130 → "i" + U+0307 (not the Turkish-locale "i").
  { name: 'Turkish dotted capital I', input: '\u0130lkay', out: 'i\u0307lkay', sha: 'b4d5b0e830c7b9996c52c8b9620468537d42dff131ab5bc4f4dd7a11409e1dc9' },
  // Dotless ı is already lowercase and stays; ASCII I becomes i (Turkish locale would give ı).
  { name: 'Turkish dotless i kept', input: 'I\u015f\u0131l', out: 'i\u015f\u0131l', sha: 'e1db4be6499e24cceb05810defac86471f29aabbb42e555835a72e021206231f' },
  { name: 'Turkish all caps, ASCII I → i', input: 'I\u015eIL', out: 'i\u015fil', sha: '89387aac2e9b0943a2bff6b85728fe88cff9084bbf2a6853e328e5a4cd7b5f29' },
  { name: 'tabs/newlines collapsed, diaeresis', input: 'Zo\u00eb\tvan  der\nBerg', out: 'zo\u00eb van der berg', sha: '83c20cdd2f19313af735d204e95e42f1aa2abb39eaa497845ed9acfbdb34b9aa' },
  { name: 'decomposed ring above', input: 'A\u030aSA', out: '\u00e5sa', sha: '4f3aeda40bda6c102b8b5820941ca4c47f61f9d06cd4e1d0b51619e862945d3d' },
  { name: 'number coerced', input: 42, out: '42', sha: '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049' },
];

describe('normalizeFirstName / normalizeLastName', () => {
  it.each(rows)('$name', ({ input, out, sha }) => {
    expect(normalizeFirstName(input)).toBe(out);
    expect(normalizeLastName(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('first_name', input)).toBe(sha);
    expect(hashUserValue('last_name', input)).toBe(sha);
  });

  it.each([null, undefined, '', '  ', '\n'])('%j is absent', (input) => {
    expect(normalizeFirstName(input)).toBeNull();
  });

  it.each([true, {}, [], new Date(0)])('%j is not text', (input) => {
    expect(normalizeFirstName(input)).toBe(FIRST_NAME_NOT_TEXT);
    expect(normalizeLastName(input)).toBe(LAST_NAME_NOT_TEXT);
    expect(FIRST_NAME_NOT_TEXT.message).toBe('first_name: not a text value; dropped');
    expect(LAST_NAME_NOT_TEXT.message).toBe('last_name: not a text value; dropped');
  });
});
