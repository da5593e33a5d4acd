import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveEventId } from '../../src/mapping/event-id.js';
import { createRecordMapper, MappingConfigError, type RecordMapResult } from '../../src/mapping/record-to-event.js';
import type { MappingOptions } from '../../src/mapping/types.js';
import { validatePinterestEvent } from '../../src/mapping/validate-event.js';

const NOW = 1714600000; // 2024-05-01T21:46:40Z, fixed clock
const T = 1714558530; // 2024-05-01T10:15:30Z
const EMITTED_MS = 1714599000123;
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const EM = sha('jane@example.com');

function mapper(over: Partial<MappingOptions> = {}) {
  return createRecordMapper({
    stream: { name: 'orders', namespace: 'shop' },
    fieldMapping: [],
    actionSource: 'web',
    nowSeconds: () => NOW,
    ...over,
  });
}

function okEvent(r: RecordMapResult) {
  if (!r.ok) throw new Error(`expected ok, got rejection: ${r.reason}`);
  expect(validatePinterestEvent(r.event)).toEqual([]);
  return r.event;
}

function reason(r: RecordMapResult): string {
  if (r.ok) throw new Error('expected a rejection');
  return r.reason;
}

const messages = (r: RecordMapResult) => r.warnings.map((w) => w.message);

describe('createRecordMapper: consecutive records of one shape', () => {
  it('carries nothing of one record into the next (same keys, values absent or changed)', () => {
    const map = mapper({ defaultEventName: 'checkout' });
    const first = okEvent(map({ email: 'jane@example.com', phone: '+14155550100', city: 'Paris', event_time: T, order_id: 'A-1' }, EMITTED_MS));
    expect(first.user_data).toEqual({ em: [EM], ph: [sha('14155550100')], ct: [sha('paris')] });
    const second = okEvent(map({ email: 'bob@example.com', phone: null, city: '', event_time: T, order_id: 'A-2' }, EMITTED_MS));
    expect(second.user_data).toEqual({ em: [sha('bob@example.com')] });
    const third = map({ email: null, phone: null, city: null, event_time: T, order_id: 'A-3' }, EMITTED_MS);
    expect(reason(third)).toMatch(/no usable identifier/);
    // A record of other keys between records of the first shape.
    okEvent(map({ client_ip_address: '203.0.113.9', client_user_agent: 'Mozilla/5.0', event_time: T }, EMITTED_MS));
    const fourth = okEvent(map({ email: 'jane@example.com', phone: null, city: null, event_time: T, order_id: 'A-4' }, EMITTED_MS));
    expect(fourth.user_data).toEqual({ em: [EM] });
  });
});

describe('createRecordMapper: full events', () => {
  it('builds a complete, schema-valid checkout event', () => {
    const map = mapper({
      fieldMapping: [
        { source_field: 'customer.email', destination_field: 'email' },
        { source_field: 'kind', destination_field: 'event_name' },
        { source_field: 'ts', destination_field: 'event_time' },
        { source_field: 'totals.grand', destination_field: 'value' },
        { source_field: 'id', destination_field: 'order_id' },
        { source_field: 'lines', destination_field: 'contents' },
      ],
    });
    const r = map(
      {
        id: 12345678901234567890n,
        kind: 'Order Completed',
        ts: '2024-05-01T12:15:30+02:00',
        customer: { email: ' Jane@Example.com ' },
        totals: { grand: 72.39 },
        currency: 'usd',
        content_ids: '["p1", "p2"]',
        lines: [
          { sku: 'p1', price: '14.990', qty: 3 },
          { sku: 'p2', price: 13.71, qty: '2' },
        ],
        num_items: '5',
        language: 'en-US',
        opt_out: 'no',
        event_source_url: ' https://shop.example/checkout ',
        client_ip_address: '216.3.128.12',
        client_user_agent: 'Mozilla/5.0',
        unrelated: { deep: true },
      },
      EMITTED_MS,
    );
    const e = okEvent(r);
    expect(e).toEqual({
      event_name: 'checkout',
      action_source: 'web',
      event_time: T,
      event_id: deriveEventId({
        namespace: 'shop',
        stream: 'orders',
        eventName: 'checkout',
        orderId: '12345678901234567890',
        eventTimeFromRecord: T,
        data: {},
      }).id,
      event_source_url: 'https://shop.example/checkout',
      opt_out: false,
      language: 'en',
      user_data: { em: [EM], client_ip_address: '216.3.128.12', client_user_agent: 'Mozilla/5.0' },
      custom_data: {
        value: '72.39',
        currency: 'USD',
        order_id: '12345678901234567890',
        content_ids: ['p1', 'p2'],
        contents: [
          { id: 'p1', item_price: '14.99', quantity: 3 },
          { id: 'p2', item_price: '13.71', quantity: 2 },
        ],
        num_items: 5,
      },
    });
    expect(r.warnings).toEqual([]);
    expect(r.eventIdRule).toBe('order_id');
    expect(r.usedEmittedAt).toBeUndefined();
    expect(r.unknownEventName).toBeUndefined();
  });

  it('reads unmapped fields by name and by alias (Pinterest keys)', () => {
    const e = okEvent(
      mapper({ defaultEventName: 'lead' })({ em: 'jane@example.com', ph: '+1 (415) 555-0100', event_time: T }, EMITTED_MS),
    );
    expect(e.event_name).toBe('lead');
    expect(e.user_data.em).toEqual([EM]);
    expect(e.user_data.ph).toEqual([sha('14155550100')]);
  });

  it('several field_mapping entries for one identifier send every value; for another field the first provided wins', () => {
    const m = mapper({
      defaultEventName: 'lead',
      fieldMapping: [
        { source_field: 'work_email', destination_field: 'email' },
        { source_field: 'home_email', destination_field: 'email' },
        { source_field: 'other_emails', destination_field: 'email' },
        { source_field: 'placed', destination_field: 'event_time' },
        { source_field: 'created', destination_field: 'event_time' },
      ],
    });
    const both = okEvent(m({ work_email: 'Jane@Example.com', home_email: 'jd@example.org', other_emails: ['jane@example.com', 'j@x.io'], placed: T, created: T - 60 }, EMITTED_MS));
    expect(both.user_data.em).toEqual([EM, sha('jd@example.org'), sha('j@x.io')]); // de-duplicated, in mapping order
    expect(both.event_time).toBe(T);
    const second = okEvent(m({ work_email: null, home_email: 'jd@example.org', placed: '', created: T - 60 }, EMITTED_MS));
    expect(second.user_data.em).toEqual([sha('jd@example.org')]);
    expect(second.event_time).toBe(T - 60);
  });

  it('several hashed_ entries send every hash too; a huge array under several entries is capped, not a crash (a reviewer\'s cases)', () => {
    const h1 = 'a'.repeat(64);
    const h2 = 'b'.repeat(64);
    const m = mapper({
      defaultEventName: 'lead',
      fieldMapping: [
        { source_field: 'h1', destination_field: 'hashed_email' },
        { source_field: 'h2', destination_field: 'hashed_email' },
        { source_field: 'work_email', destination_field: 'email' },
        { source_field: 'home_email', destination_field: 'email' },
      ],
    });
    expect(okEvent(m({ h1, h2, event_time: T }, EMITTED_MS)).user_data.em).toEqual([h1, h2]);
    const huge = Array.from({ length: 200_000 }, (_, i) => `u${i}@example.com`);
    const r = m({ work_email: 'jane@example.com', home_email: huge, event_time: T }, EMITTED_MS);
    expect(okEvent(r).user_data.em).toHaveLength(100);
    expect(messages(r)).toContain('email: more than 100 values; the first 100 distinct ones kept');
  });

  it('passes pre-hashed values through', () => {
    const h = 'A'.repeat(64);
    const e = okEvent(mapper({ defaultEventName: 'lead' })({ hashed_email: h, event_time: T }, EMITTED_MS));
    expect(e.user_data).toEqual({ em: ['a'.repeat(64)] });
  });

  it('never sends empty objects, nulls or unknown keys', () => {
    const e = okEvent(
      mapper({ defaultEventName: 'page_visit' })(
        { email: 'jane@example.com', event_time: T, value: null, currency: '', np: 'ss-x', content_name: '  ', app_info: {}, device_info: null },
        EMITTED_MS,
      ),
    );
    expect(Object.keys(e).sort()).toEqual(['action_source', 'event_id', 'event_name', 'event_time', 'user_data']);
  });

  it('fills legacy flat fields, app_info and device_info (object, dotted fields, JSON text)', () => {
    const map = mapper({
      defaultEventName: 'app_install',
      fieldMapping: [
        { source_field: 'app', destination_field: 'app_info' },
        { source_field: 'dev_json', destination_field: 'device_info' },
        { source_field: 'pkg', destination_field: 'app_info.app_package_name' },
      ],
    });
    const r = map(
      {
        maid: 'AEBE52E7-03EE-455A-B3C4-E57283966239',
        event_time: T,
        action_source: 'iOS',
        app_id: 429047995,
        app_version: '7.9',
        device_brand: 'Apple',
        wifi: 'TRUE',
        os_version: '17.4.1',
        app: { app_id: '429047995', app_name: 'Shop', install_time: '2024-04-01T00:00:00Z', window_width: 99999, secret: 'x' },
        pkg: 'com.shop.app',
        dev_json: '{"os_family": "iOS", "form_factor": "phone", "battery_level": 78, "timezone_abbr": "TOOLONG", "languages": ["en-US", "de", "xx"]}',
        'device_info.model': 'iPhone 15',
      },
      EMITTED_MS,
    );
    const e = okEvent(r);
    expect(e.action_source).toBe('app_ios');
    expect(e.user_data.hashed_maids).toEqual([sha('aebe52e7-03ee-455a-b3c4-e57283966239')]);
    expect({ app_id: e.app_id, app_version: e.app_version, device_brand: e.device_brand, wifi: e.wifi, os_version: e.os_version }).toEqual({
      app_id: '429047995',
      app_version: '7.9',
      device_brand: 'Apple',
      wifi: true,
      os_version: '17.4.1',
    });
    expect(e.app_info).toEqual({ app_id: '429047995', app_name: 'Shop', app_package_name: 'com.shop.app', install_time: 1711929600 });
    expect(e.device_info).toEqual({ battery_level: 78, form_factor: 'cellphone', languages: ['en', 'de'], model: 'iPhone 15', os_family: 'ios' });
    expect(messages(r).sort()).toEqual(
      [
        'app_info: unknown keys; dropped',
        'app_info.window_width: out of range 0..30720; dropped',
        'device_info.languages: element not an ISO-639-1 language code; dropped',
        'device_info.timezone_abbr: longer than 5 characters; dropped',
      ].sort(),
    );
  });

  it('drops unusable optional values with value-free warnings and still sends the event', () => {
    const r = mapper({ defaultEventName: 'checkout' })(
      { email: 'jane@example.com', event_time: T, value: '$1,299.00', currency: 'dollars', num_items: 2.5, language: 'English', opt_out: 'maybe' },
      EMITTED_MS,
    );
    const e = okEvent(r);
    expect(e.custom_data).toBeUndefined();
    expect(e.language).toBeUndefined();
    expect(messages(r)).toEqual([
      'opt_out: not a boolean; dropped',
      'language: not an ISO-639-1 language code; dropped',
      'value: not a number; dropped',
      'currency: not an ISO-4217 currency code; dropped',
      'num_items: not an integer; dropped',
    ]);
    expect(JSON.stringify(r.warnings)).not.toMatch(/1,299|dollars|English|maybe/);
  });

  it('partner_name: record value, else config', () => {
    const m = mapper({ defaultEventName: 'lead', partnerName: ' ss-acme ' });
    expect(okEvent(m({ email: 'jane@example.com', event_time: T }, EMITTED_MS)).partner_name).toBe('ss-acme');
    expect(okEvent(m({ email: 'jane@example.com', event_time: T, partner_name: 'ss-other' }, EMITTED_MS)).partner_name).toBe('ss-other');
  });
});

describe('event_name', () => {
  it('unknown names become custom with a warning and the name exposed', () => {
    const r = mapper()({ email: 'jane@example.com', event_time: T, event_name: 'Coupon Applied' }, EMITTED_MS);
    expect(okEvent(r).event_name).toBe('custom');
    expect(messages(r)).toEqual(['event_name: unknown name sent as custom']);
    expect(r.unknownEventName).toBe('Coupon Applied');
  });

  it('rejects unknown names when configured to', () => {
    const r = mapper({ rejectUnknownEventNames: true })({ email: 'jane@example.com', event_time: T, event_name: 'Coupon Applied' }, EMITTED_MS);
    expect(reason(r)).toBe('event_name: not a known Pinterest event name');
    expect(r.unknownEventName).toBe('Coupon Applied');
  });

  it('applies event_name_mapping and the default name', () => {
    const m = mapper({ eventNameMapping: { 'coupon applied': 'lead' }, defaultEventName: 'Page Viewed' });
    expect(okEvent(m({ email: 'jane@example.com', event_time: T, event_name: 'COUPON_APPLIED' }, EMITTED_MS)).event_name).toBe('lead');
    expect(okEvent(m({ email: 'jane@example.com', event_time: T }, EMITTED_MS)).event_name).toBe('page_visit');
  });

  it('rejects a missing name without default, and non-text names', () => {
    expect(reason(mapper()({ email: 'jane@example.com', event_time: T }, EMITTED_MS))).toBe(
      'event_name: missing and no default_event_name configured',
    );
    expect(reason(mapper()({ email: 'jane@example.com', event_time: T, event_name: { a: 1 } }, EMITTED_MS))).toBe('event_name: not a string');
  });
});

describe('action_source', () => {
  const m = mapper({ defaultEventName: 'lead', actionSource: 'offline' });
  it.each<[unknown, string]>([
    [undefined, 'offline'],
    ['web', 'web'],
    ['WEB', 'web'],
    ['app-android', 'app_android'],
    ['android', 'app_android'],
    ['ios', 'app_ios'],
    ['App_IOS', 'app_ios'],
  ])('%s → %s', (v, expected) => {
    expect(okEvent(m({ email: 'jane@example.com', event_time: T, action_source: v }, EMITTED_MS)).action_source).toBe(expected);
  });
  it('rejects invalid values', () => {
    expect(reason(m({ email: 'jane@example.com', event_time: T, action_source: 'store' }, EMITTED_MS))).toBe(
      'action_source: must be one of web, app_android, app_ios, offline',
    );
    expect(reason(m({ email: 'jane@example.com', event_time: T, action_source: 1 }, EMITTED_MS))).toBe(
      'action_source: must be one of web, app_android, app_ios, offline',
    );
  });
});

describe('event_time', () => {
  const m = mapper({ defaultEventName: 'lead' });
  const rec = (event_time: unknown) => m({ email: 'jane@example.com', event_time }, EMITTED_MS);

  it('converts every accepted format', () => {
    expect(okEvent(rec(T * 1000)).event_time).toBe(T);
    expect(okEvent(rec('2024-05-01 10:15:30')).event_time).toBe(T);
    expect(okEvent(rec('2024-05-01T12:15:30+02:00')).event_time).toBe(T);
  });

  it('falls back to emitted_at (ms → s) and flags it', () => {
    // A fresh mapper: `m` has seen event_time columns, after which a record without one is rejected.
    const r = mapper({ defaultEventName: 'lead' })({ email: 'jane@example.com', event_time: undefined }, EMITTED_MS);
    expect(okEvent(r).event_time).toBe(1714599000);
    expect(r.usedEmittedAt).toBe(true);
    expect(rec(T).usedEmittedAt).toBeUndefined();
  });

  it('rejects unrecognizable and future times', () => {
    expect(reason(rec('last tuesday'))).toBe(
      'event_time: not a recognizable timestamp (read: ISO 8601 such as 2026-12-06T14:03:00Z or 2026-12-06 14:03:00+01:00, a date 2026-12-06, Unix seconds or milliseconds; cast other forms in the source)',
    );
    expect(reason(rec(NOW + 61))).toBe('event_time: in the future');
    expect(okEvent(rec(NOW + 60)).event_time).toBe(NOW + 60);
  });

  it('warns (does not reject) for events older than 7 days', () => {
    const r = rec(NOW - 7 * 86400 - 1);
    expect(okEvent(r).event_time).toBe(NOW - 7 * 86400 - 1);
    expect(messages(r)).toEqual(['event_time: older than 7 days; Pinterest may reject it']);
    expect(messages(rec(NOW - 7 * 86400))).toEqual([]);
  });
});

describe('identifiers', () => {
  const m = mapper({ defaultEventName: 'lead' });
  it('rejects a record without em, maid or IP + user agent', () => {
    const r = m({ event_time: T, phone: '+14155550100', client_ip_address: '1.2.3.4' }, EMITTED_MS);
    expect(reason(r)).toBe('no usable identifier: needs email, maid, or both client_ip_address and client_user_agent');
  });
  it('keeps warnings from user data on rejection', () => {
    const r = m({ event_time: T, email: 'not-an-email', hashed_phone: 'xyz' }, EMITTED_MS);
    expect(reason(r)).toBe('no usable identifier: needs email, maid, or both client_ip_address and client_user_agent');
    expect(r.warnings.map((w) => w.field)).toEqual(['email', 'hashed_phone']);
  });
});

describe('event_id', () => {
  it('uses the record value as text, numbers with all digits', () => {
    const m = mapper({ defaultEventName: 'lead' });
    expect(okEvent(m({ email: 'jane@example.com', event_time: T, event_id: ' abc ' }, EMITTED_MS)).event_id).toBe('abc');
    expect(okEvent(m({ email: 'jane@example.com', event_time: T, event_id: 12345678901234567890n }, EMITTED_MS)).event_id).toBe(
      '12345678901234567890',
    );
    const r = m({ email: 'jane@example.com', event_time: T, event_id: 7 }, EMITTED_MS);
    expect(okEvent(r).event_id).toBe('7');
    expect(r.eventIdRule).toBeUndefined();
  });

  it('derives the same id for the same row across mapper instances and key orders', () => {
    const a = mapper({ defaultEventName: 'lead' })({ email: 'jane@example.com', event_time: T, x: 1 }, EMITTED_MS);
    const b = mapper({ defaultEventName: 'lead' })({ x: 1, event_time: T, email: 'jane@example.com' }, EMITTED_MS + 5000);
    expect(okEvent(a).event_id).toBe(okEvent(b).event_id);
    expect(a.eventIdRule).toBe('record');
  });

  it('uses the primary key when configured', () => {
    const m = mapper({ defaultEventName: 'lead', primaryKey: [['id'], ['meta', 'line']] });
    const r = m({ id: 5, meta: { line: 2 }, email: 'jane@example.com', event_time: T, changed: 'a' }, EMITTED_MS);
    const r2 = m({ id: 5, meta: { line: 2 }, email: 'jane@example.com', event_time: T, changed: 'b' }, EMITTED_MS);
    expect(r.eventIdRule).toBe('primary_key');
    expect(okEvent(r).event_id).toBe(okEvent(r2).event_id);
    expect(okEvent(r).event_id).toBe(sha('["pk","shop","orders","lead",[5,2]]').slice(0, 32));
  });

  it('order_id rule ignores emitted_at when event_time is absent', () => {
    const m = mapper({ defaultEventName: 'checkout' });
    const a = m({ email: 'jane@example.com', order_id: 'o-1' }, EMITTED_MS);
    const b = m({ email: 'jane@example.com', order_id: 'o-1' }, EMITTED_MS + 60_000);
    expect(a.eventIdRule).toBe('order_id');
    expect(okEvent(a).event_id).toBe(okEvent(b).event_id);
    expect(okEvent(a).event_id).toBe(sha('["order","shop","orders","checkout","o-1",null]').slice(0, 32));
  });
});

describe('configuration errors (thrown once per stream)', () => {
  it.each<[Partial<MappingOptions>, RegExp]>([
    [{ fieldMapping: [{ source_field: 'x', destination_field: 'np' }] }, /unknown destination_field "np"/],
    [{ fieldMapping: [{ source_field: ' ', destination_field: 'email' }] }, /empty source_field for destination_field email/],
    [{ eventNameMapping: { Buy: 'purchase' } }, /not a Pinterest event name/],
    [{ defaultEventName: 'Coupon Applied' }, /default_event_name "Coupon Applied" is not a Pinterest event name/],
    [{ actionSource: 'store' as never }, /action_source "store" must be one of/],
  ])('%o', (over, message) => {
    expect(() => mapper(over)).toThrow(MappingConfigError);
    expect(() => mapper(over)).toThrow(message);
  });

  it('accepts destination_field aliases in any case', () => {
    const m = mapper({ defaultEventName: 'lead', fieldMapping: [{ source_field: 'mail', destination_field: 'EM' }] });
    expect(okEvent(m({ mail: 'jane@example.com', event_time: T }, EMITTED_MS)).user_data.em).toEqual([EM]);
  });

  it('several mapping entries for one field: first provided value wins', () => {
    const m = mapper({
      defaultEventName: 'lead',
      fieldMapping: [
        { source_field: 'work_email', destination_field: 'email' },
        { source_field: 'home_email', destination_field: 'email' },
      ],
    });
    expect(okEvent(m({ work_email: null, home_email: 'jane@example.com', event_time: T }, EMITTED_MS)).user_data.em).toEqual([EM]);
  });

  it('a mapped field does not fall back to the same-named column', () => {
    const m = mapper({ defaultEventName: 'lead', fieldMapping: [{ source_field: 'amount', destination_field: 'value' }] });
    const e = okEvent(m({ email: 'jane@example.com', event_time: T, value: 5 }, EMITTED_MS));
    expect(e.custom_data).toBeUndefined();
  });
});

describe('oversized values (MAX_MAPPED_VALUE_LENGTH)', () => {
  const big = 'x'.repeat(65_537);

  it('drops a mapped text value longer than 65,536 characters with a warning, keeps the rest of the event', () => {
    const map = mapper({ defaultEventName: 'checkout' });
    const r = map({ email: 'jane@example.com', event_time: T, client_user_agent: big, order_id: big, event_name: big }, EMITTED_MS);
    const e = okEvent(r);
    expect(e.event_name).toBe('checkout');
    expect(e.user_data.client_user_agent).toBeUndefined();
    expect(e.custom_data?.order_id).toBeUndefined();
    expect(messages(r)).toEqual(
      expect.arrayContaining([
        'event_name: value longer than 65536 characters; dropped',
        'client_user_agent: value longer than 65536 characters; dropped',
        'order_id: value longer than 65536 characters; dropped',
      ]),
    );
  });

  it('a dropped email leaves the record without an identifier', () => {
    const r = mapper({ defaultEventName: 'checkout' })({ email: `${big}@example.com`, event_time: T }, EMITTED_MS);
    expect(reason(r)).toMatch(/^no usable identifier/);
    expect(messages(r)).toEqual(['email: value longer than 65536 characters; dropped']);
  });

  it('keeps a value of exactly 65,536 characters (it then meets its own field rules) and ignores big unmapped columns', () => {
    const r = mapper({ defaultEventName: 'checkout' })({ email: 'jane@example.com', event_time: T, external_id: 'y'.repeat(65_536), notes: big }, EMITTED_MS);
    expect(okEvent(r).user_data.external_id).toEqual([sha('y'.repeat(65_536))]);
    expect(messages(r)).toEqual([]);
  });
});
