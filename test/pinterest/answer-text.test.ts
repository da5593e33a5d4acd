import { describe, expect, it } from 'vitest';
import { MAX_ANSWER_TEXT_LENGTH, normalizeAnswerText, sentValues } from '../../src/pinterest/answer-text.js';

describe('normalizeAnswerText', () => {
  it('keeps Pinterest sentences without values as they are', () => {
    for (const t of ['Authentication failed.', 'You are not permitted to access that resource.', 'AdAccount not found.', 'The authorization grant is invalid', 'Event could not be processed.',
      'whole request refused (HTTP 400 (code 4196: The request was invalid.)), also with this event sent alone',
    ]) {
      expect(normalizeAnswerText(t)).toBe(t);
    }
  });

  it('replaces echoed values by placeholders, so one reason groups every row', () => {
    expect(normalizeAnswerText('Invalid client_ip_address 203.0.113.77 for user agent Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101')).toBe(
      'Invalid client_ip_address <ip> for user agent <user-agent>',
    );
    expect(normalizeAnswerText('event_source_url https://shop.example/p?email=z%40x.example is not allowed')).toBe('event_source_url <url> is not allowed');
    expect(normalizeAnswerText('Value "Zebediah Quonset" rejected; contact zeb@example.com or +44 20 7946 0958')).toBe(
      'Value <value> rejected; contact <email> or <n>',
    );
    expect(normalizeAnswerText('Duplicate click_id ab12cd34ef56gh78 and order 20240105 from Quillsborough')).toBe('Duplicate click_id <id> and order <n> from <value>');
    expect(normalizeAnswerText('Body {"data":[{"event_name":"x","user_data":{"em":["a"]}}]} invalid')).toBe('Body <value> invalid');
    expect(normalizeAnswerText('fe80::1ff:fe23:4567:890a is IPv6')).toBe('<ip> is IPv6');
    // Times and UUIDs with the placeholders the end-of-sync grouping uses.
    expect(normalizeAnswerText('event at 2024-01-02T03:04:05Z is too old')).toBe('event at <time> is too old');
    expect(normalizeAnswerText('id 123e4567-e89b-12d3-a456-426614174000 bad')).toBe('id <id> bad');
  });

  it('keeps JSON pointers into the request (they say which field failed), still replacing values around them (a reviewer\'s case)', () => {
    expect(normalizeAnswerText('/data/0/custom_data/value: must be string; /data/0/user_data/em/0: must match pattern')).toBe(
      '/data/0/custom_data/value: must be string; /data/0/user_data/em/0: must match pattern',
    );
    expect(normalizeAnswerText('/data/1499: event could not be parsed')).toBe('/data/1499: event could not be parsed');
    expect(normalizeAnswerText('Invalid user agent Mozilla/5.0 (X11; Linux) at /data/3/user_data/client_user_agent, from 203.0.113.7')).toBe(
      'Invalid user agent <user-agent> at /data/3/user_data/client_user_agent, from <ip>',
    );
    // Only pointers into data, made of indexes and schema keys: any other path is read by the value shapes as before.
    expect(normalizeAnswerText('see /home/Zebediah/x1/2 now')).not.toContain('Zebediah');
    expect(normalizeAnswerText('/data/415/555/0199: bad')).not.toContain('0199');
    expect(normalizeAnswerText('/data/0/user_data/jane_doe_1985: bad')).not.toContain('1985');
    expect(normalizeAnswerText('/data/0/contents/3/item_price: must be string')).toBe('/data/0/contents/3/item_price: must be string');
    expect(normalizeAnswerText('a\u0001b /data/1: x')).toBe('a b /data/1: x');
  });

  it('keeps small numbers standing alone (Pinterest\'s limits), replaces longer ones and numbers joined by separators', () => {
    expect(normalizeAnswerText('event_time is more than 7 days in the past.')).toBe('event_time is more than 7 days in the past.');
    expect(normalizeAnswerText('at most 100 items, got 80000')).toBe('at most 100 items, got <n>');
    expect(normalizeAnswerText('zip 12 345 or 20 7946 or 1.5')).toBe('zip <n> or <n> or <n>');
  });

  it('replaces what the event carried by its field name, ignoring case', () => {
    const values = sentValues({ event_name: 'checkout', custom_data: { search_string: 'zqxj red lamp', num_items: 12345 }, user_data: { client_user_agent: 'CanaryAgent' } });
    expect(values).toEqual([
      ['event_name', 'checkout'],
      ['custom_data.search_string', 'zqxj red lamp'],
      ['custom_data.num_items', '12345'],
      ['user_data.client_user_agent', 'CanaryAgent'],
    ]);
    expect(normalizeAnswerText('bad search ZQXJ RED LAMP from canaryagent', values)).toBe('bad search <custom_data.search_string> from <user_data.client_user_agent>');
    // A short value only where it stands alone.
    expect(normalizeAnswerText('checkout is not a checkouts', values)).toBe('<event_name> is not a checkouts');
  });

  it('caps the length', () => {
    const t = normalizeAnswerText('word '.repeat(200));
    expect(t).toHaveLength(MAX_ANSWER_TEXT_LENGTH);
    expect(t.endsWith('…')).toBe(true);
  });
});
