import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { partKey, primaryKeyPolicy, rejectedRecordLine, syncFolder } from '../../src/write/rejected-records.js';

/** SHA-256 hex of "jane.doe@example.com" (computed once with `sha256sum`). */
const JANE_SHA256 = '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d';
const EM = 'ab'.repeat(32);

const config = parseConfig({
  ad_account_id: '549755885175',
  credentials: { auth_type: 'access_token', access_token: 'tok-123456' },
  field_mapping: [{ source_field: 'buyer', destination_field: 'email' }],
  streams: [{ name: 'shop.leads', field_mapping: [{ source_field: 'contact.mobile', destination_field: 'phone' }] }],
});
const catalog = {
  streams: [
    { stream: { name: 'orders' }, primary_key: [['order_id']] },
    { stream: { name: 'buyers' }, primary_key: [['buyer']] },
    { stream: { name: 'people' }, primary_key: [['email'], ['region']] },
    { stream: { name: 'leads', namespace: 'shop' }, primary_key: [['contact', 'mobile'], ['contact', 'id']] },
    { stream: { name: 'nokey' } },
  ],
};
const policy = primaryKeyPolicy(config, catalog);

describe('primaryKeyPolicy', () => {
  it('hashes key paths mapped to personal data, or named like a personal-data field; not other keys', () => {
    expect(policy('orders', undefined)).toEqual({ names: ['order_id'], hashed: [false] });
    expect(policy('buyers', undefined)).toEqual({ names: ['buyer'], hashed: [true] }); // field_mapping buyer → email
    expect(policy('people', undefined)).toEqual({ names: ['email', 'region'], hashed: [true, false] }); // read as email unmapped
    expect(policy('leads', 'shop')).toEqual({ names: ['contact.mobile', 'contact.id'], hashed: [true, false] }); // the stream's own mapping
    expect(policy('nokey', undefined)).toBeUndefined();
    expect(policy('unknown', undefined)).toBeUndefined();
  });
});

describe('rejectedRecordLine', () => {
  it('writes a Pinterest-rejected row with its key and the masked event, exactly', () => {
    const event = {
      event_name: 'checkout',
      action_source: 'web',
      event_time: 1765000000,
      event_id: 'A-1007',
      event_source_url: 'https://shop.example/thanks?email=jane.doe@example.com',
      user_data: { em: [EM], client_ip_address: '203.0.113.7', client_user_agent: 'Mozilla/5.0' },
      custom_data: { currency: 'USD', value: '12.50', order_id: 'A-1007' },
    };
    const line = rejectedRecordLine(
      {
        stream: 'orders',
        namespace: undefined,
        recordNumber: 17,
        eventId: 'A-1007',
        eventIdDerived: false,
        primaryKey: ['A-1007'],
        reason: 'Pinterest: event_time is in the past',
        source: 'pinterest',
        eventJson: JSON.stringify(event),
      },
      policy('orders', undefined),
    );
    expect(line).toBe(
      '{"stream":"orders","namespace":null,"record_number":17,"event_id":"A-1007","event_id_derived":false,"primary_key":{"order_id":"A-1007"},' +
        '"primary_key_hashed":[],"rejected_by":"pinterest","rejected_reason":"Pinterest: event_time is in the past",' +
        '"event":{"event_name":"checkout","action_source":"web","event_time":1765000000,"event_id":"A-1007","event_source_url":"<masked>",' +
        `"user_data":{"em":["${EM}"],"client_ip_address":"<masked>","client_user_agent":"<masked>"},"custom_data":{"currency":"USD","value":"12.50","order_id":"<masked>"}}}`,
    );
    expect(line).not.toContain('203.0.113.7');
    expect(line).not.toContain('jane.doe');
  });

  it('writes an event_id that is not shaped like a key as "sha256:" and its SHA-256, in the head and the event', () => {
    const id = 'Jane Doe +44 20 7946 0958';
    const line = rejectedRecordLine(
      { stream: 'orders', namespace: undefined, recordNumber: 3, eventId: id, eventIdDerived: false, primaryKey: ['A-3'], reason: 'r', source: 'pinterest', eventJson: JSON.stringify({ event_id: id }) },
      policy('orders', undefined),
    );
    const sha = createHash('sha256').update(id).digest('hex');
    expect(line).toBe(
      `{"stream":"orders","namespace":null,"record_number":3,"event_id":"sha256:${sha}","event_id_derived":false,"primary_key":{"order_id":"A-3"},` +
        '"primary_key_hashed":[],"rejected_by":"pinterest","rejected_reason":"r","event":{"event_id":"<masked>"}}',
    );
  });

  it('writes a personal key as its SHA-256, an email-like key value too, a big integer digit for digit, and no event', () => {
    const mapped = rejectedRecordLine(
      { stream: 'buyers', namespace: undefined, recordNumber: 2, reason: 'no usable identifier', source: 'mapping', primaryKey: ['jane.doe@example.com'] },
      policy('buyers', undefined),
    );
    expect(mapped).toBe(
      '{"stream":"buyers","namespace":null,"record_number":2,"event_id":null,"event_id_derived":null,' +
        `"primary_key":{"buyer":"${JANE_SHA256}"},"primary_key_hashed":["buyer"],"rejected_by":"mapping","rejected_reason":"no usable identifier","event":null}`,
    );
    // order_id is not personal data by its mapping, but a value that looks like an email address is hashed anyway.
    const emailLike = rejectedRecordLine(
      { stream: 'orders', namespace: undefined, recordNumber: 3, reason: 'r', source: 'mapping', primaryKey: ['jane.doe@example.com'] },
      policy('orders', undefined),
    );
    expect(emailLike).toContain(`"primary_key":{"order_id":"${JANE_SHA256}"},"primary_key_hashed":["order_id"]`);
    const big = rejectedRecordLine(
      { stream: 'leads', namespace: 'shop', recordNumber: 1, eventId: '0f'.repeat(16), eventIdDerived: true, reason: 'r', source: 'input', primaryKey: [undefined, 12345678901234567890n] },
      policy('leads', 'shop'),
    );
    expect(big).toBe(
      `{"stream":"leads","namespace":"shop","record_number":1,"event_id":"${'0f'.repeat(16)}","event_id_derived":true,` +
        '"primary_key":{"contact.mobile":null,"contact.id":12345678901234567890},"primary_key_hashed":[],"rejected_by":"input","rejected_reason":"r","event":null}',
    );
    expect(JSON.parse(big)).toMatchObject({ primary_key: { 'contact.id': 12345678901234567000 } }); // valid JSON
  });

  it('hashes a key value not shaped like a key, whatever its column: phone numbers, names, addresses, IPs (a reviewer\'s cases)', () => {
    const keyOf = (value: unknown) =>
      JSON.parse(rejectedRecordLine({ stream: 'orders', namespace: undefined, recordNumber: 1, reason: 'r', source: 'mapping', primaryKey: [value] }, policy('orders', undefined)));
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    for (const value of ['+1 415 555 0166', '(415) 555-0145', 'Zqxrose Tyler', '10 Downing Street Zqx', '198.51.100.99', '14155550166', 'zqxjohn', '612345678', '20123456', '5550199']) {
      expect(keyOf(value), value).toMatchObject({ primary_key: { order_id: sha(value) }, primary_key_hashed: ['order_id'] });
    }
    // A phone number stored as a number: hashed from its digits.
    expect(keyOf(14155550166)).toMatchObject({ primary_key: { order_id: sha('14155550166') }, primary_key_hashed: ['order_id'] });
    expect(keyOf(612345678)).toMatchObject({ primary_key: { order_id: sha('612345678') }, primary_key_hashed: ['order_id'] });
    // Keys stay readable: short numbers, long ones, text keys.
    for (const value of ['A-1007', 42, 104000, '123456', 'ORD-20240105001', '123e4567-e89b-12d3-a456-426614174000']) {
      expect(keyOf(value), String(value)).toMatchObject({ primary_key: { order_id: value }, primary_key_hashed: [] });
    }
  });

  it('writes primary_key null for a stream without primary key', () => {
    expect(rejectedRecordLine({ stream: 'nokey', namespace: undefined, recordNumber: 1, reason: 'r', source: 'mapping' }, undefined)).toBe(
      '{"stream":"nokey","namespace":null,"record_number":1,"event_id":null,"event_id_derived":null,"primary_key":null,"primary_key_hashed":[],"rejected_by":"mapping","rejected_reason":"r","event":null}',
    );
  });
});

describe('file layout', () => {
  it('puts each sync in a folder named by its start time, and each stream in its namespace folder', () => {
    const folder = syncFolder('pinterest/rejected', Date.UTC(2026, 11, 6, 15, 0, 12, 345));
    expect(folder).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z');
    expect(syncFolder('', Date.UTC(2026, 11, 6, 15, 0, 12, 345))).toBe('2026-12-06T15-00-12.345Z');
    expect(partKey(folder, 'orders', undefined, 1)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/orders/part-00001.jsonl');
    expect(partKey(folder, 'orders', 'shop', 12)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/shop/orders/part-00012.jsonl');
    expect(partKey(folder, 'a/b c', 'x/y', 1)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/x%2Fy/a%2Fb%20c/part-00001.jsonl');
    // Dot segments would be resolved by stores (s3rver put `../../part` outside the folder): their dots are encoded.
    expect(partKey(folder, '..', '..', 1)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/%2E%2E/%2E%2E/part-00001.jsonl');
    expect(partKey(folder, '.', undefined, 1)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/%2E/part-00001.jsonl');
    expect(partKey(folder, '..x', undefined, 1)).toBe('pinterest/rejected/2026-12-06T15-00-12.345Z/..x/part-00001.jsonl');
  });
});
