/**
 * Values that look present but carry nothing Pinterest can match: placeholders (`N/A`, `none`, `-`, ...) and digests
 * of another algorithm than SHA-256 (what Airbyte's hashing mapper produces with MD5, SHA-1, SHA-224, SHA-384 or
 * SHA-512). Expected digests computed in the shell with `printf '%s' value | sha256sum`.
 */
import { describe, expect, it } from 'vitest';
import { isPlaceholder, toText } from '../../src/mapping/normalize/index.js';
import { otherHashAlgorithm } from '../../src/mapping/hash.js';
import { buildUserData, hashUserValue, normalizeHashedValue, normalizePlainValue } from '../../src/mapping/user-data.js';

// Digests of "hello" with each algorithm (public test values of each standard).
const MD5 = '5d41402abc4b2a76b9719d911017c592';
const SHA1 = 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d';
const SHA224 = 'ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193';
const SHA384 = '59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f';
const SHA512 =
  '9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043';
const SHA256_HELLO = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

describe('placeholders are absent values', () => {
  it.each(['N/A', 'n/a', 'NA', 'n.a.', 'none', 'NONE', 'null', 'NULL', '(null)', '<null>', 'nil', '-', '--', '?', 'unknown', 'Unknown', 'undefined', 'NaN', '#N/A', 'not available', 'Not Applicable'])(
    '%j',
    (v) => {
      expect(isPlaceholder(v)).toBe(true);
      for (const f of ['email', 'phone', 'gender', 'state', 'country', 'city', 'zip_code', 'external_id', 'date_of_birth'] as const) {
        expect(hashUserValue(f, v)).toBeNull();
      }
      expect(normalizeHashedValue('hashed_email', v)).toBeNull();
      expect(normalizePlainValue('client_user_agent', v)).toBeNull();
    },
  );

  it.each(['Nancy', 'Nora', 'N', 'no', '0', 'Namibia', 'a'])('%j is a value', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });

  it('NA as country is not Namibia, and does not steer phone or state', () => {
    const { userData, warnings } = buildUserData({ email: 'a@example.com', country: 'NA', phone: '(415) 555-0123', state: 'Texas' }, { defaultPhoneCountry: 'US' });
    expect(userData.country).toBeUndefined();
    // read with default_phone_country US, not as a Namibian number
    expect(userData.ph).toEqual(['413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a']);
    // Texas mapped to tx as for a record without country
    expect(userData.st).toEqual(['1b5b9ccb3e8d006a5230de9bda23ff91edc794d4f56410560830b418528e446c']);
    expect(warnings).toEqual([]);
  });

  it('Na and Nan are names in first_name and last_name', () => {
    expect(hashUserValue('last_name', 'Na')).toBe('3d9fc4bde7ceef058d65b00186e79c1f14b42687b491644c303065135b644e18');
    expect(hashUserValue('last_name', 'NA')).toBe('3d9fc4bde7ceef058d65b00186e79c1f14b42687b491644c303065135b644e18');
    expect(hashUserValue('first_name', 'Nan')).toBe('9b2d5b4678781e53038e91ea5324530a03f27dc1d0e5f6c9bc9d493a23be9de0');
    expect(hashUserValue('first_name', 'N/A')).toBeNull();
  });
});

describe('digests of other algorithms', () => {
  it.each([
    [MD5, 'MD5 (or MD2)'],
    [SHA1, 'SHA-1'],
    [SHA224, 'SHA-224'],
    [SHA384, 'SHA-384'],
    [SHA512, 'SHA-512'],
    [MD5.toUpperCase(), 'MD5 (or MD2)'],
  ])('%s is %s', (digest, algorithm) => {
    expect(otherHashAlgorithm(digest)).toBe(algorithm);
    const r = hashUserValue('email', ` ${digest} `);
    expect(r).toEqual({
      rejected: true,
      message: `email: ${digest.length} hex characters, a ${algorithm} hash, not SHA-256, so it cannot match; send the raw value (the connector normalizes and hashes it) or the SHA-256 of the normalized value; dropped`,
    });
    const h = normalizeHashedValue('hashed_phone', digest);
    expect(h).toMatchObject({ rejected: true });
    expect((h as { message: string }).message).toMatch(new RegExp(`^hashed_phone: ${digest.length} hex characters, a ${algorithm.replace(/[()]/g, '\\$&')} hash`));
  });

  it('is never hashed again nor sent', () => {
    const { userData, warnings } = buildUserData({ email: [MD5, 'hello@example.com'], hashed_email: SHA1, hashed_phone: SHA512 }, {});
    expect(userData.em).toHaveLength(1);
    expect(userData.ph).toBeUndefined();
    expect(warnings.map((w) => w.field)).toEqual(['email', 'hashed_email', 'hashed_phone']);
    expect(JSON.stringify(warnings)).not.toContain(MD5);
  });

  it('SHA-256 digests still pass through, and other hex lengths are ordinary values', () => {
    expect(hashUserValue('email', SHA256_HELLO.toUpperCase())).toBe(SHA256_HELLO);
    expect(otherHashAlgorithm(SHA256_HELLO)).toBeUndefined();
    expect(otherHashAlgorithm(MD5.slice(1))).toBeUndefined();
    expect(otherHashAlgorithm(`${MD5.slice(1)}g`)).toBeUndefined();
  });

  it('external_id keeps 32-hex ids (UUIDs without dashes), not longer digests', () => {
    expect(hashUserValue('external_id', MD5)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashUserValue('external_id', SHA1)).toMatchObject({ rejected: true });
  });
});

describe('big numbers', () => {
  it('an external_id of 1e21 or more is hashed from all its digits, never from 1e+21', () => {
    expect(toText(1e21)).toBe('1000000000000000000000');
    expect(hashUserValue('external_id', 1e21)).toBe('b3c4d9d40b4c90b3995fea02caaf40503883e2b8b9aa1420063f090f42186f21');
    expect(hashUserValue('external_id', 12345678901234567890123n)).toBe('0c71ebdc4736bf09a888457750aa22f7c895026afb64b40f8fbd94092c61c19b');
  });
});
