import { describe, expect, it } from 'vitest';
import { eventIdForLog, eventIdLabel, eventNameForLog, eventNameLabel, maskForLog } from '../../src/write/log-safety.js';

describe('eventNameForLog', () => {
  it('shows names made of event words, in any case and separator style, with a short number or version last', () => {
    for (const name of ['Purchase Completed', 'Order Shipped', 'order_refunded', 'checkout-step-3', 'OrderCompleted', 'signup_v2', 'SignupV2', 'trial started', 'Wishlist Addition', 'ORDER SHIPPED', 'order.refunded']) {
      expect(eventNameForLog(name), name).toBe(name);
    }
  });

  it('hides what may be personal data or an id, whatever its shape', () => {
    for (const name of [
      'Zebediah Quonset', // a person's name in Title Case reads like "Order Completed"
      'Zebediah',
      // user names and lowercased names look like identifiers (a reviewer's cases)
      'zebediah',
      'jane.zqxdoe',
      'Jane_Zqxdoe',
      'maria-zqxlopez',
      'zqxsmith2',
      'order_zqxdoe',
      'user1@example.com',
      '14155550123',
      '+44 20 7946 0958',
      '203.0.113.77',
      '12 Quill Street',
      '4111-1111-1111-1111',
      'AB123456C',
      'x'.repeat(65),
      'order 2024',
    ]) {
      expect(eventNameForLog(name), name).toBeUndefined();
    }
  });
});

describe('eventNameLabel', () => {
  it('quotes a shown name, else gives its length and a SHA-256 prefix so repeats can be told apart', () => {
    expect(eventNameLabel('Order Shipped')).toBe('event name "Order Shipped"');
    // sha256("Zebediah Quonset") = 5f1b...; the label never contains the name.
    const label = eventNameLabel('Zebediah Quonset');
    expect(label).toMatch(/^event name <not shown, may be personal data: 16 characters, SHA-256 starts [0-9a-f]{8}>$/);
    expect(label).not.toContain('Zebediah');
    expect(eventNameLabel('Zebediah Quonset')).toBe(label);
    expect(eventNameLabel('Zebediah Quonsett')).not.toBe(label);
  });
});

describe('eventIdForLog', () => {
  it('shows keys: order numbers, UUIDs, derived ids, numeric ids', () => {
    for (const id of ['A-1007', 'e-1', '0123456789abcdef0123456789abcdef', '123e4567-e89b-12d3-a456-426614174000', '202401051', '1007', '000000123', 'shop/orders/77', 'INV_2024.03#5', 'ORD-20240105001']) {
      expect(eventIdForLog(id), id).toBe(id);
    }
  });

  it('withholds names, e-mails, phones, addresses, IPs, dates, card numbers and long texts', () => {
    for (const id of ['Zebediah', 'Zebediah Quonset', 'Zebediah event_id Quonset +44 20 7946 0958', 'z@example.com', '+442079460958', '203.0.113.77', '2001:db8::7', '12 Quill Street', '1971-03-04', '4111111111111111', '415-555-0135', '020.7946.0958', '04/05/1985', '19850405', '4111-1111-1111-1111', '123-45-6789', 'a1'.repeat(51), '{"nested":"x1"}',
      // phone numbers written as digits only: E.164 without +, national with trunk 0, US national, 8-9 digits after 0
      '14155550199', '447946095800', '07946095800', '4155550199', '089123456', '20240105001']) {
      expect(eventIdForLog(id), id).toBeUndefined();
    }
  });

  it('labels a withheld id by its length and SHA-256 prefix', () => {
    // sha256("Zebediah Quonset") starts aa7900e9
    expect(eventIdLabel('Zebediah Quonset')).toBe('<not shown, may be personal data: 16 characters, SHA-256 starts aa7900e9>');
    expect(eventIdLabel('A-1007')).toBe('A-1007');
  });
});

describe('maskForLog', () => {
  it('shows hashes, numbers and the listed codes, masks every other text, and does not modify the event', () => {
    const event = {
      event_name: 'checkout',
      event_id: 'e-1',
      event_time: 1700000000,
      event_source_url: 'https://shop.example/thanks?email=a@example.com',
      user_data: { em: ['ab'.repeat(32)], client_ip_address: '203.0.113.7', client_user_agent: 'Mozilla/5.0', click_id: 'c1', external_id: ['not-a-hash'] },
      custom_data: { search_string: 'john doe', value: '1', currency: 'USD', content_name: 'Lamp', contents: [{ item_name: 'Lamp', item_price: '2.50', quantity: 1 }] },
      device_info: { carrier: 'CanaryTel', os_family: 'ios', screen_width: 300 },
    };
    expect(maskForLog({ event_id: '0123456789abcdef0123456789abcdef' })).toEqual({ event_id: '0123456789abcdef0123456789abcdef' });
    expect(maskForLog({ event_id: 'Zebediah Quonset' })).toEqual({ event_id: '<masked>' });
    // Fields passed on as written: shown only in their documented form.
    expect(maskForLog({ partner_name: 'ss-shopify', custom_data: { opt_out_type: 'LDP' }, device_info: { locale: 'en-us' } })).toEqual({
      partner_name: 'ss-shopify',
      custom_data: { opt_out_type: 'LDP' },
      device_info: { locale: 'en-us' },
    });
    expect(maskForLog({ partner_name: 'Zebediah', custom_data: { opt_out_type: 'Zebediah Quonset' }, device_info: { locale: 'Zebediah Quonset' } })).toEqual({
      partner_name: '<masked>',
      custom_data: { opt_out_type: '<masked>' },
      device_info: { locale: '<masked>' },
    });
    expect(maskForLog(event)).toEqual({
      event_name: 'checkout',
      event_id: 'e-1',
      event_time: 1700000000,
      event_source_url: '<masked>',
      user_data: { em: ['ab'.repeat(32)], client_ip_address: '<masked>', client_user_agent: '<masked>', click_id: '<masked>', external_id: ['<masked>'] },
      custom_data: { search_string: '<masked>', value: '1', currency: 'USD', content_name: '<masked>', contents: [{ item_name: '<masked>', item_price: '2.50', quantity: 1 }] },
      device_info: { carrier: '<masked>', os_family: 'ios', screen_width: 300 },
    });
    expect(event.user_data.client_ip_address).toBe('203.0.113.7');
  });
});
