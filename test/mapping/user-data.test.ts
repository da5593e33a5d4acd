import { describe, expect, it } from 'vitest';
import {
  HASHED_USER_FIELDS,
  PINTEREST_KEY_OF,
  PLAIN_USER_FIELDS,
  RAW_USER_FIELDS,
  USER_FIELD_NORMALIZERS,
  buildUserData,
  hashUserValue,
  hasRequiredIdentifier,
  normalizeHashedValue,
  normalizePlainValue,
} from '../../src/mapping/user-data.js';

// Expected digests computed in the shell with: printf '%s' 'value' | sha256sum
const H = {
  johnEmail: '836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f', // john.doe@example.com
  joseEmail: 'b0a53cf19e34d05b57bced7365c6b00ddbe38d62957e863de2a66a56c3b42cea', // josé@example.com
  tagEmail: 'a3997a3fbbd1a0839c1eb9240489103ddc167f6b5cfa1c429c48ff2190346a4f', // first.last+tag@gmail.com
  usPhone: '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a', // 14155550123
  ukPhone: '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823', // 442079460958
  dePhone: '8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd', // 4915112345678
  maryAnn: '343b97011010c3549fe7fcd6c226ed9431ea37b0b77ed78f6300a0098925faf1', // mary ann
  obrien: '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668', // o'brien
  f: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
  dob: '85b3c79d2579941355ff1b877f6a6c7bac464294836a8e703cf313d411fdc876', // 19900304
  newyork: '350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5',
  ny: '1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683',
  zip94103: '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789',
  zip02134: '1f75e2dac5b82521f112e293235aaeeb5dad684c5ede8469c1ec015b22bba44c',
  sw1a2aa: 'a5c027b44d4d7b5acc1d9375b4e4b718863ae903b9f2b01697f686ca2522b8ce',
  us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
  ga: 'f52d63231eb0dbaac689ec9147e4b131fc95ef92d5bc78135b22934b36d76bf4', // ga
  georgia: '1c18bc2214f67ae19bbaa640fc776f5a4a38c4021d421cdd8cd3d2bcad23da93', // georgia
  gb: '0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677',
  de: '959a45d44e6fcf58361ed004681556fe50129f2109e817dec098c00c9e5d2578',
  cust: '382211e688c29ae2dcce0b401999831aec27161d9bc0ffd092545a828a18bbc8', // CUST-00042
  maid: '31b806b4deec8c4cb1ffb18b9ab4ee1fa82a2b30e1f47902f04d03f5db023376', // 6d92078a-8246-4ba4-ae5b-76104861e7dc
};

describe('field tables', () => {
  it('every raw field has a normalizer, a Pinterest key and a hashed_ twin', () => {
    expect(RAW_USER_FIELDS).toHaveLength(12);
    for (const f of RAW_USER_FIELDS) {
      expect(typeof USER_FIELD_NORMALIZERS[f]).toBe('function');
      expect(PINTEREST_KEY_OF[f]).toBeTruthy();
      expect(HASHED_USER_FIELDS).toContain(`hashed_${f}`);
    }
    expect(PLAIN_USER_FIELDS).toEqual(['client_ip_address', 'client_user_agent', 'click_id', 'partner_id']);
  });
});

describe('buildUserData', () => {
  it('builds every hashed key from a full US record, in Pinterest order', () => {
    const { userData, warnings } = buildUserData(
      {
        email: '  John.Doe@Example.COM ',
        phone: '(415) 555-0123',
        first_name: '  Mary   Ann ',
        last_name: "O'Brien",
        gender: 'Female',
        date_of_birth: '1990-03-04T00:00:00Z',
        city: 'New York',
        state: 'New York',
        zip_code: '94103-1234',
        country: 'United States of America',
        external_id: ' CUST-00042 ',
        maid: '6D92078A-8246-4BA4-AE5B-76104861E7DC',
        client_ip_address: ' 203.0.113.7 ',
        client_user_agent: 'Mozilla/5.0',
        click_id: 'dj0yJnU9b2JD',
        partner_id: 42,
      },
      {},
    );
    expect(warnings).toEqual([]);
    expect(userData).toEqual({
      em: [H.johnEmail],
      ph: [H.usPhone],
      fn: [H.maryAnn],
      ln: [H.obrien],
      ge: [H.f],
      db: [H.dob],
      ct: [H.newyork],
      st: [H.ny],
      zp: [H.zip94103],
      country: [H.us],
      external_id: [H.cust],
      hashed_maids: [H.maid],
      client_ip_address: '203.0.113.7',
      client_user_agent: 'Mozilla/5.0',
      click_id: 'dj0yJnU9b2JD',
      partner_id: '42',
    });
    expect(Object.keys(userData)).toEqual([
      'em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id', 'hashed_maids',
      'client_ip_address', 'client_user_agent', 'click_id', 'partner_id',
    ]);
    expect(hasRequiredIdentifier(userData)).toBe(true);
  });

  it('the result does not depend on input key order', () => {
    const a = buildUserData({ country: 'gb', phone: '020 7946 0958', email: 'john.doe@example.com' }, {});
    const b = buildUserData({ email: 'john.doe@example.com', phone: '020 7946 0958', country: 'gb' }, {});
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.userData.ph).toEqual([H.ukPhone]);
  });

  it('the record country steers phone and zip; the default phone country is only a fallback', () => {
    const uk = buildUserData({ country: 'UK', phone: '020 7946 0958', zip_code: 'SW1A 2AA' }, { defaultPhoneCountry: 'us' });
    expect(uk.userData).toEqual({ ph: [H.ukPhone], zp: [H.sw1a2aa], country: [H.gb] });
    const us = buildUserData({ phone: '(415) 555-0123', zip_code: 2134 }, { defaultPhoneCountry: 'US' });
    expect(us.userData.ph).toEqual([H.usPhone]);
    // Without a country, a bare 4-digit zip is not assumed to be American.
    expect(us.userData.zp).not.toEqual([H.zip02134]);
    const usRecord = buildUserData({ country: 'USA', zip_code: 2134 }, {});
    expect(usRecord.userData.zp).toEqual([H.zip02134]);
  });

  it('uses the first country value that normalizes; a pre-hashed country cannot steer', () => {
    const r = buildUserData({ country: ['Atlantis', 'de', 'gb'], phone: '4915112345678' }, {});
    expect(r.userData.country).toEqual([H.de, H.gb]);
    expect(r.userData.ph).toEqual([H.dePhone]);
    expect(r.warnings).toEqual([{ field: 'country', message: 'country: unrecognized country; dropped' }]);
    const hashed = buildUserData({ country: H.gb.toUpperCase(), phone: '020 7946 0958' }, {});
    expect(hashed.userData.country).toEqual([H.gb]);
    expect(hashed.userData.ph).toBeUndefined();
    expect(hashed.warnings).toEqual([{ field: 'phone', message: 'phone: national number and neither the record\'s country nor default_phone_country to read it with; set default_phone_country; dropped' }]);
  });

  it('arrays give several hashes, deduplicated after normalization, order kept', () => {
    const { userData, warnings } = buildUserData(
      {
        email: ['JOHN.DOE@example.com', 'jose\u0301@example.com', ' john.doe@EXAMPLE.com', null, ''],
        phone: ['+1 415 555 0123', '+44 (0)20 7946 0958', '14155550123'],
      },
      {},
    );
    expect(userData.em).toEqual([H.johnEmail, H.joseEmail]);
    expect(userData.ph).toEqual([H.usPhone, H.ukPhone]);
    // 14155550123 has no "+" and the record no country: read as +1 by guessing, and said so
    expect(warnings).toEqual([{ field: 'phone', message: 'phone: a number without "+" or 00 was read as international because the record has no country and default_phone_country is not set; if your numbers are national, set default_phone_country; sent' }]);
  });

  it('email and hashed_email merge into em; raw first, duplicates removed', () => {
    const { userData, warnings } = buildUserData(
      {
        hashed_email: [` ${H.tagEmail.toUpperCase()} `, H.johnEmail],
        email: 'john.doe@example.com',
      },
      {},
    );
    expect(userData.em).toEqual([H.johnEmail, H.tagEmail]);
    expect(warnings).toEqual([]);
  });

  it('maid and hashed_maid merge into hashed_maids', () => {
    const { userData } = buildUserData({ maid: '6d92078a-8246-4ba4-ae5b-76104861e7dc', hashed_maid: H.maid }, {});
    expect(userData.hashed_maids).toEqual([H.maid]);
    expect(hasRequiredIdentifier(userData)).toBe(true);
  });

  it('a 64-hex value in any raw field is pre-hashed: lowercased, never hashed twice', () => {
    const { userData } = buildUserData(
      { email: H.johnEmail.toUpperCase(), phone: `  ${H.usPhone}  `, external_id: H.cust.toUpperCase() },
      {},
    );
    expect(userData).toEqual({ em: [H.johnEmail], ph: [H.usPhone], external_id: [H.cust] });
  });

  it('hashed_* values that are not 64 hex are dropped with a warning naming the field, not the value', () => {
    const { userData, warnings } = buildUserData(
      { hashed_email: 'john.doe@example.com', hashed_phone: H.usPhone.slice(1), hashed_maid: { x: 1 } },
      {},
    );
    expect(userData).toEqual({});
    expect(warnings).toEqual([
      { field: 'hashed_email', message: 'hashed_email: not a SHA-256 hex string; dropped' },
      { field: 'hashed_phone', message: 'hashed_phone: not a SHA-256 hex string; dropped' },
      { field: 'hashed_maid', message: 'hashed_maid: not a text value; dropped' },
    ]);
    expect(JSON.stringify(warnings)).not.toContain('john');
  });

  it('bad input never throws; warnings are value-free and stable', () => {
    const secret = 'very-secret-value';
    const { userData, warnings } = buildUserData(
      {
        email: `${secret}`,
        phone: [`${secret}`, true, { n: 1 }],
        first_name: { secret },
        gender: secret,
        date_of_birth: `03/04/1990`,
        city: Symbol('x'),
        country: secret,
        external_id: () => secret,
        client_ip_address: secret,
        client_user_agent: [secret, `${secret}-2`],
        unknown_field: secret,
      },
      {},
    );
    expect(userData).toEqual({ client_user_agent: secret });
    expect(warnings).toEqual([
      { field: 'email', message: 'email: not an email address; dropped' },
      { field: 'phone', message: 'phone: not a possible phone number (wrong length for its country, or not a number); dropped' },
      { field: 'phone', message: 'phone: not a text value; dropped' },
      { field: 'phone', message: 'phone: not a text value; dropped' },
      { field: 'first_name', message: 'first_name: not a text value; dropped' },
      { field: 'gender', message: 'gender: unrecognized value; dropped' },
      { field: 'date_of_birth', message: 'date_of_birth: day and month are both 12 or less and date_of_birth_order (MDY or DMY) is not set; dropped' },
      { field: 'city', message: 'city: not a text value; dropped' },
      { field: 'country', message: 'country: unrecognized country; dropped' },
      { field: 'external_id', message: 'external_id: not a text value; dropped' },
      { field: 'client_ip_address', message: 'client_ip_address: not a valid IP address; dropped' },
      { field: 'client_user_agent', message: 'client_user_agent: several values; first kept' },
    ]);
    for (const w of warnings) expect(w.message).not.toContain(secret);
    expect(hasRequiredIdentifier(userData)).toBe(false);
  });

  it('deeply nested arrays are not flattened and cannot exhaust the stack', () => {
    let deep: unknown = 'us';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const { userData, warnings } = buildUserData({ country: deep, email: [['john.doe@example.com']] }, {});
    expect(userData).toEqual({});
    expect(warnings).toEqual([
      { field: 'email', message: 'email: not a text value; dropped' },
      { field: 'country', message: 'country: not a text value; dropped' },
    ]);
  });

  it('numbers and bigints are coerced where obvious', () => {
    const { userData, warnings } = buildUserData(
      { phone: 14155550123, date_of_birth: 19900304, zip_code: 94103, external_id: 42n, email: 'john.doe@example.com' },
      {},
    );
    expect(warnings).toEqual([{ field: 'phone', message: 'phone: a number without "+" or 00 was read as international because the record has no country and default_phone_country is not set; if your numbers are national, set default_phone_country; sent' }]);
    expect(userData.ph).toEqual([H.usPhone]);
    expect(buildUserData({ phone: 14155550123 }, { defaultPhoneCountry: 'US' }).warnings).toEqual([]);
    expect(userData.db).toEqual([H.dob]);
    expect(userData.zp).toEqual([H.zip94103]);
    expect(userData.external_id).toEqual(['73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049']);
  });

  it('a JS Date is accepted as date_of_birth', () => {
    expect(buildUserData({ date_of_birth: new Date('1990-03-04') }, {}).userData.db).toEqual([H.dob]);
  });

  it('blanks and nulls never produce a key, an empty array or the hash of ""', () => {
    const { userData, warnings } = buildUserData(
      {
        email: '   ',
        phone: null,
        first_name: undefined,
        last_name: [],
        city: ['', '  ', null],
        hashed_email: '',
        client_ip_address: ' ',
        click_id: '',
        partner_id: null,
      },
      {},
    );
    expect(userData).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('plain fields: trimmed, case kept, IPv4/IPv6 validated, arrays keep the first value', () => {
    const { userData, warnings } = buildUserData(
      {
        client_ip_address: ['', '2001:DB8::1'],
        client_user_agent: '  Mozilla/5.0 (X11)  ',
        click_id: ['abc', 'abc'],
        partner_id: 12345678901234567890n,
      },
      {},
    );
    expect(warnings).toEqual([]);
    expect(userData).toEqual({
      client_ip_address: '2001:DB8::1',
      client_user_agent: 'Mozilla/5.0 (X11)',
      click_id: 'abc',
      partner_id: '12345678901234567890',
    });
    expect(hasRequiredIdentifier(userData)).toBe(true);
  });

  it.each(['256.1.1.1', '203.0.113.7:8080', '[::1]', 'localhost'])('client_ip_address %j is dropped', (ip) => {
    const { userData, warnings } = buildUserData({ client_ip_address: ip }, {});
    expect(userData.client_ip_address).toBeUndefined();
    expect(warnings).toEqual([{ field: 'client_ip_address', message: 'client_ip_address: not a valid IP address; dropped' }]);
  });
});

describe('hashUserValue on closed sets (country, state, gender results are cached)', () => {
  it('a repeated state gives the same result, and the record country still steers it whatever was seen before', () => {
    expect(hashUserValue('state', 'Georgia', { country: 'ge' })).toBe(H.georgia);
    expect(hashUserValue('state', 'Georgia', { country: 'us' })).toBe(H.ga);
    expect(hashUserValue('state', 'Georgia', { country: 'ge' })).toBe(H.georgia);
    expect(hashUserValue('state', 'Georgia')).toBe(H.ga);
  });

  it('rejections and absent values are the same on every call; long values are not kept but give the same result', () => {
    for (let i = 0; i < 3; i++) {
      const r = hashUserValue('state', 'floridausa', { country: 'us' });
      expect(typeof r === 'object' && r !== null ? r.message : r).toMatch(/^state: not a US state/);
      expect(hashUserValue('country', 'N/A')).toBeNull();
      expect(hashUserValue('country', ' US ')).toBe(H.us);
      expect(hashUserValue('gender', 'Female')).toBe(H.f);
      expect(hashUserValue('state', `${' '.repeat(100)}GA`)).toBe(H.ga);
    }
  });
});

describe('normalizeHashedValue / normalizePlainValue', () => {
  it('hashed values: trimmed, 64 hex any case, lowercased', () => {
    expect(normalizeHashedValue('hashed_phone', ` ${H.usPhone.toUpperCase()}\n`)).toBe(H.usPhone);
    expect(normalizeHashedValue('hashed_phone', '   ')).toBeNull();
    expect(normalizeHashedValue('hashed_phone', 14155550123)).toEqual({
      rejected: true,
      message: 'hashed_phone: not a SHA-256 hex string; dropped',
    });
  });

  it('plain values', () => {
    expect(normalizePlainValue('client_ip_address', ' 10.0.0.1 ')).toBe('10.0.0.1');
    expect(normalizePlainValue('click_id', true)).toEqual({ rejected: true, message: 'click_id: not a text value; dropped' });
    expect(normalizePlainValue('partner_id', '')).toBeNull();
  });
});

describe('hasRequiredIdentifier', () => {
  it.each([
    [{ em: [H.johnEmail] }, true],
    [{ hashed_maids: [H.maid] }, true],
    [{ client_ip_address: '203.0.113.7', client_user_agent: 'Mozilla/5.0' }, true],
    [{ client_ip_address: '203.0.113.7' }, false],
    [{ client_user_agent: 'Mozilla/5.0' }, false],
    [{ client_ip_address: '', client_user_agent: 'Mozilla/5.0' }, false],
    [{ em: [] }, false],
    [{ hashed_maids: [] }, false],
    [{ ph: [H.usPhone], external_id: [H.cust], click_id: 'x' }, false],
    [{}, false],
  ])('%j → %s', (u, expected) => {
    expect(hasRequiredIdentifier(u)).toBe(expected);
  });
});
