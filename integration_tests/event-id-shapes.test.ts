/**
 * An event_id is named in rejection lines, the grouped reasons and dry-run samples only when it is shaped like a key.
 * A mis-mapped column can hold a phone number (in digit groups or digits only), a date of birth or a card number; those
 * are keys to a regex of letters, digits and separators, so they are tested through the CLI here: none of them may
 * appear in the output, while order numbers and UUIDs still do. Build first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { runCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

/** Personal data shaped like keys: phones, dates of birth, a card and a national number in digit groups. */
const WITHHELD = ['415-555-0135', '415.555.0135', '04/05/1985', '05.04.1985', '19850405', '4111-1111-1111-1111', '123-45-6789'];
/** Phone numbers written as digits only: rejected for another reason (no identifier), as only 10 rows of a reason are logged. */
const WITHHELD_DIGITS = ['14155550199', '07946095800'];
/** Keys that stay shown. */
const SHOWN = ['SO-104000', '123e4567-e89b-12d3-a456-426614174000', 'ORD-20240105001'];

const config = {
  ad_account_id: '549755885175',
  credentials: { auth_type: 'access_token', access_token: 'demo-conversion-token' },
  default_event_name: 'checkout',
  streams: [
    {
      name: 'orders',
      field_mapping: [
        { source_field: 'ref', destination_field: 'event_id' },
        { source_field: 'mail', destination_field: 'email' },
        { source_field: 'at', destination_field: 'event_time' },
      ],
    },
  ],
};
const catalog = {
  streams: [{ stream: { name: 'orders', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
};

/** Every id twice: once without its mapped event_time (a rejection line), once valid (a dry-run sample). */
function input(nowS: number): string {
  return [
    ...[...WITHHELD, ...SHOWN].flatMap((ref) => [{ ref, mail: 'a@example.com' }, { ref, mail: 'a@example.com', at: nowS - 600 }]),
    ...WITHHELD_DIGITS.flatMap((ref) => [{ ref, at: nowS - 600 }, { ref, mail: 'a@example.com', at: nowS - 600 }]),
  ]
    .map((data) => JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data, emitted_at: nowS * 1000 } }))
    .join('\n');
}

describe('event_id shaped like personal data', () => {
  let fake: FakePinterest;
  const runs: Record<string, CliResult> = {};

  beforeAll(async () => {
    fake = await startFakePinterest();
    const nowS = Math.floor(Date.now() / 1000);
    for (const mode of ['write', 'dry-run']) {
      const args = ['write', '--config', writeTempJson(config), '--catalog', writeTempJson(catalog)];
      runs[mode] = await runCli(mode === 'dry-run' ? [...args, '--dry-run'] : args, { stdin: input(nowS), env: { PINTEREST_API_BASE_URL: fake.url } });
    }
  });
  afterAll(async () => {
    await fake.close();
  });

  for (const mode of ['write', 'dry-run']) {
    it(`${mode}: withholds phones, dates and numbers in digit groups, shows keys`, () => {
      const r = runs[mode];
      expect(r.code).toBe(0);
      const out = `${r.stdout}\n${r.stderr}`;
      expect([...WITHHELD, ...WITHHELD_DIGITS].filter((id) => out.includes(id))).toEqual([]);
      // 14155550199 is the first row without an identifier: sha256("14155550199") starts 93117e7a.
      const first = 2 * (WITHHELD.length + SHOWN.length) + 1;
      expect(out).toContain(`record ${first} of stream orders (event_id <not shown, may be personal data: 11 characters, SHA-256 starts 93117e7a>) rejected: no usable identifier`);
      for (const id of SHOWN) expect(out).toContain(`record ${2 * (WITHHELD.length + SHOWN.indexOf(id)) + 1} of stream orders (event_id ${id}) rejected: event_time`);
      // 415-555-0135 is record 1, named by its length and SHA-256 prefix: sha256("415-555-0135") starts f4fdf2be.
      expect(out).toContain('record 1 of stream orders (event_id <not shown, may be personal data: 12 characters, SHA-256 starts f4fdf2be>) rejected: event_time');
    });
  }
});
