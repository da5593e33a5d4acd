import { describe, expect, it } from 'vitest';
import { eventNameForLog, maskForLog } from '../../src/write/log-safety.js';

describe('eventNameForLog', () => {
  it('shows label-like names and hides values that may be personal data or ids', () => {
    expect(eventNameForLog('Purchase Completed')).toBe('Purchase Completed');
    expect(eventNameForLog('user1@example.com')).toBeUndefined();
    expect(eventNameForLog('14155550123')).toBeUndefined();
    expect(eventNameForLog('x'.repeat(65))).toBeUndefined();
  });
});

describe('maskForLog', () => {
  it('masks plain-text fields that can carry personal data, leaves hashes, and does not modify the event', () => {
    const event = {
      event_name: 'checkout',
      event_source_url: 'https://shop.example/thanks?email=a@example.com',
      user_data: { em: ['ab'.repeat(32)], client_ip_address: '203.0.113.7', client_user_agent: 'Mozilla/5.0', click_id: 'c1' },
      custom_data: { search_string: 'john doe', value: '1' },
    };
    expect(maskForLog(event)).toEqual({
      event_name: 'checkout',
      event_source_url: '<masked>',
      user_data: { em: ['ab'.repeat(32)], client_ip_address: '<masked>', client_user_agent: 'Mozilla/5.0', click_id: '<masked>' },
      custom_data: { search_string: '<masked>', value: '1' },
    });
    expect(event.user_data.client_ip_address).toBe('203.0.113.7');
  });
});
