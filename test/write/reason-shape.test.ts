import { describe, expect, it } from 'vitest';
import { reasonShape } from '../../src/write/reason-shape.js';

describe('reasonShape', () => {
  it('takes out the values that vary per row: numbers, times, ids, quoted text', () => {
    expect(reasonShape('Pinterest: event_time 1733400000 is older than 7 days')).toBe('Pinterest: event_time <n> is older than <n> days');
    expect(reasonShape('Pinterest: event at 2024-01-02T03:04:05Z is too old')).toBe('Pinterest: event at <time> is too old');
    expect(reasonShape('Pinterest: id 0f3a9b7c0f3a9b7c0f3a9b7c and 123e4567-e89b-12d3-a456-426614174000')).toBe('Pinterest: id <id> and <id>');
    expect(reasonShape('Pinterest: value "abc" is not allowed')).toBe('Pinterest: value <value> is not allowed');
    expect(reasonShape('invalid event: /custom_data/contents/12/quantity: must be <= 1000')).toBe('invalid event: /custom_data/contents/<n>/quantity: must be <= <n>');
  });

  it('leaves numbers that are part of a word (standards, field names) alone', () => {
    expect(reasonShape('currency: not an ISO-4217 code')).toBe('currency: not an ISO-4217 code');
    expect(reasonShape('em: not a sha256 digest')).toBe('em: not a sha256 digest');
    expect(reasonShape('no usable identifier: needs email, maid, or both client_ip_address and client_user_agent')).toBe(
      'no usable identifier: needs email, maid, or both client_ip_address and client_user_agent',
    );
  });
});
