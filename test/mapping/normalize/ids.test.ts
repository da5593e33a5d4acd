import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/mapping/hash.js';
import {
  EXTERNAL_ID_NOT_TEXT,
  MAID_NOT_TEXT,
  normalizeExternalId,
  normalizeMaid,
} from '../../../src/mapping/normalize/index.js';
import { hashUserValue } from '../../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const CUST = '382211e688c29ae2dcce0b401999831aec27161d9bc0ffd092545a828a18bbc8'; // CUST-00042
const N42 = '73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049'; // 42
const BIG = '6ed645ef0e1abea1bf1e4e935ff04f9e18d39812387f63cda3415b46240f0405'; // 12345678901234567890
const MAID = '31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376'; // 6d92078a-8246-4ba4-ae5b-76104861e7dc

describe('normalizeExternalId', () => {
  it.each([
    { name: 'trim only, case kept', input: '  CUST-00042 ', out: 'CUST-00042', sha: CUST },
    { name: 'number', input: 42, out: '42', sha: N42 },
    { name: 'bigint beyond 2^53', input: 12345678901234567890n, out: '12345678901234567890', sha: BIG },
  ])('$name', ({ input, out, sha }) => {
    expect(normalizeExternalId(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('external_id', input)).toBe(sha);
  });

  it('case is significant', () => {
    expect(normalizeExternalId('cust-00042')).not.toBe(normalizeExternalId('CUST-00042'));
  });

  it.each([null, undefined, '', '  '])('%j is absent', (input) => {
    expect(normalizeExternalId(input)).toBeNull();
  });

  it.each([true, {}, []])('%j is not text', (input) => {
    expect(normalizeExternalId(input)).toBe(EXTERNAL_ID_NOT_TEXT);
    expect(EXTERNAL_ID_NOT_TEXT.message).toBe('external_id: not a text value; dropped');
  });
});

describe('normalizeMaid', () => {
  it.each([
    { name: 'IDFA uppercase, padded', input: ' 6D92078A-8246-4BA4-AE5B-76104861E7DC ', out: '6d92078a-8246-4ba4-ae5b-76104861e7dc', sha: MAID },
    { name: 'GAID lowercase', input: '6d92078a-8246-4ba4-ae5b-76104861e7dc', out: '6d92078a-8246-4ba4-ae5b-76104861e7dc', sha: MAID },
  ])('$name', ({ input, out, sha }) => {
    expect(normalizeMaid(input)).toBe(out);
    expect(sha256Hex(out)).toBe(sha);
    expect(hashUserValue('maid', input)).toBe(sha);
  });

  it('a pre-hashed maid (uppercase hex) is lowercased, not hashed again', () => {
    expect(hashUserValue('maid', MAID.toUpperCase())).toBe(MAID);
  });

  it.each([null, '', '  '])('%j is absent', (input) => {
    expect(normalizeMaid(input)).toBeNull();
  });

  it.each([false, {}])('%j is not text', (input) => {
    expect(normalizeMaid(input)).toBe(MAID_NOT_TEXT);
  });
});
