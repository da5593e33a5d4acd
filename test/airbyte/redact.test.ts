import { describe, expect, it } from 'vitest';
import { basicCredential, Redactor, secretForms } from '../../src/airbyte/redact.js';

describe('Redactor', () => {
  it('replaces a long secret wherever it occurs, in every encoded form', () => {
    const r = new Redactor();
    const secret = 'pina_S3cret/Tok+en with space';
    r.add(secret);
    const text = [secret, encodeURIComponent(secret), 'refresh_token=pina_S3cret%2FTok%2Ben+with+space', `x${secret}y`, JSON.stringify(secret)].join(' | ');
    expect(r.redact(text)).toBe('*** | *** | refresh_token=*** | x***y | "***"');
  });

  it('replaces a short secret only where it stands alone, so words containing it survive', () => {
    const r = new Redactor();
    r.add('order1');
    expect(r.redact('order1 reorder1 order12 (order1) order1.')).toBe('*** reorder1 order12 (***) ***.');
  });

  it('keeps a secret of any length, and the Basic credential of a pair', () => {
    const r = new Redactor();
    r.add('pw');
    r.add(basicCredential('demo-client-id', 'demo-client-secret'));
    expect(r.redact('pw pwd Basic ZGVtby1jbGllbnQtaWQ6ZGVtby1jbGllbnQtc2VjcmV0')).toBe('*** pwd Basic ***');
    expect(r.redact('nothing to hide')).toBe('nothing to hide');
  });

  it('lists the raw, URL-encoded, form-encoded and JSON-escaped forms once each', () => {
    expect(secretForms('a b/"c')).toEqual(['a b/"c', 'a%20b%2F%22c', 'a+b%2F%22c', 'a b/\\"c']);
    expect(secretForms('plain')).toEqual(['plain']);
  });
});
