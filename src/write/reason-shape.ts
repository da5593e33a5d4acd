/**
 * The shape of a rejection reason: the reason with the values that vary from row to row taken out, so that ten
 * thousand rows refused for one cause group into one line of the end-of-sync report however their timestamps, ids
 * or counts differ. Placeholders: `<time>` (ISO-8601 dates and times), `<id>` (UUIDs, hex digests of 16+ characters),
 * `<value>` (text in quotes), `<n>` (any other number standing alone: not part of a word such as `ISO-4217` or
 * `sha256`).
 */

import { ISO_TIME, UUID } from '../pinterest/answer-text.js';

const HEX_ID = /\b[0-9a-f]{16,}\b/gi;
const QUOTED = /"[^"]*"|'[^']*'|`[^`]*`/g;
const NUMBER = /(?<![\w.-])[-+]?\d+(?:\.\d+)?(?![\w.])/g;

/** `reason` with its row-specific values replaced by placeholders (see the module comment). */
export function reasonShape(reason: string): string {
  return reason.replace(QUOTED, '<value>').replace(ISO_TIME, '<time>').replace(UUID, '<id>').replace(HEX_ID, '<id>').replace(NUMBER, '<n>');
}
