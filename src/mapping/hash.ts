/**
 * SHA-256 helpers for Pinterest's hashed user_data fields.
 *
 * Pinterest OpenAPI 5.23, ConversionEventsUserDataProperties (em, ph, fn, ...): every hashed field is an array of
 * "Sha256 hashes" of UTF-8 text; the project sends them as lowercase hex (NOTES §1).
 */
import { hash } from 'node:crypto';

/**
 * SHA-256 of `text` encoded as UTF-8, as 64 lowercase hex characters.
 *
 * Uses the one-shot `crypto.hash` (Node >= 20.12), about three times faster than `createHash` for short inputs.
 * Lone UTF-16 surrogates are encoded as U+FFFD, as everywhere in Node. Never throws for a string argument.
 * Source: Pinterest OpenAPI 5.23, ConversionEventsUserDataProperties ("The string should be in the UTF-8 format").
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * True when `s` is a string of exactly 64 hexadecimal characters, in any case (no trimming is done here).
 * Used to recognise values that are already SHA-256 digests (project decision NOTES §3: pre-hashed values are
 * lowercased and passed through, never hashed twice).
 */
export function isSha256Hex(s: unknown): s is string {
  return typeof s === 'string' && s.length === 64 && SHA256_HEX.test(s);
}

/**
 * Hex digest lengths of the other algorithms Airbyte's hashing mapper offers (NOTES §6: MD2, MD5, SHA-1, SHA-224,
 * SHA-384, SHA-512, as hex of the raw string) → the algorithm's name. A 64-hex value is SHA-256 and not listed.
 */
export const OTHER_HASH_ALGORITHMS: ReadonlyMap<number, string> = new Map([
  [32, 'MD5 (or MD2)'],
  [40, 'SHA-1'],
  [56, 'SHA-224'],
  [96, 'SHA-384'],
  [128, 'SHA-512'],
]);

const HEX = /^[0-9a-fA-F]+$/;

/**
 * The algorithm whose hex digest `s` looks like (exactly 32, 40, 56, 96 or 128 hex characters, any case, no
 * trimming), e.g. "SHA-1" for 40; undefined for anything else, SHA-256 included. Such a value can never match:
 * Pinterest compares SHA-256 digests of normalized values.
 */
export function otherHashAlgorithm(s: string): string | undefined {
  const name = OTHER_HASH_ALGORITHMS.get(s.length);
  return name !== undefined && HEX.test(s) ? name : undefined;
}
