/**
 * Benchmark input generator: realistic Airbyte messages (RECORD + STATE lines) written to a file.
 *
 * Two streams, as in integration_tests/sample_config.json:
 * - `shop.orders` (about 70%): nested `customer` {email, phone, first_name, last_name, address{city, state, zip, country}},
 *   order_id, total, currency, status, placed_at (ISO, within the last hour), two line_items; primary key order_id.
 * - `signups` (about 30%): email, ip, user_agent, created_at (epoch seconds, within the last hour), event.
 * A STREAM state every `stateEvery` records (alternating streams), in Airbyte's per-stream format.
 * With `bigIntFraction` > 0 that share of lines carries a 19-digit integer `customer_id` (the lossless-JSON slow path).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface GenerateOptions {
  records: number;
  stateEvery?: number;
  /** Share of records (0..1) with a 19-digit integer field. */
  bigIntFraction?: number;
  /** Epoch ms the event times are relative to (default now). */
  nowMs?: number;
  seed?: number;
}

const FIRST = ['Mary', 'John', 'Ana', 'Jean-Luc', 'Olivia', 'Liam', 'Sofía', 'Noah', 'Emma', 'Lucas', 'Zoë', "O'Brien"];
const LAST = ['Smith', 'Johnson', 'García', 'Müller', 'Brown', 'Nguyen', 'Martin', 'Rossi', 'Kowalski', 'Dubois'];
const PLACES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['New York', 'NY', '10001', 'US'],
  ['San Francisco', 'California', '94105', 'USA'],
  ['Austin', 'TX', '73301', 'US'],
  ['Chicago', 'Illinois', '60601', 'United States'],
  ['Toronto', 'ON', 'M5V 3L9', 'CA'],
  ['London', 'England', 'SW1A 1AA', 'GB'],
  ['Berlin', 'Berlin', '10115', 'DE'],
];
const UAS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
const DOMAINS = ['example.com', 'Gmail.com', 'mail.example.org', 'shop.test'];
const SKUS = ['SKU-1001', 'SKU-2002', 'SKU-3003', 'SKU-4004'];

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function phoneFor(country: string, r: () => number, i: number): string {
  const n = String(1000 + (i % 9000));
  switch (country) {
    case 'GB':
      return `+44 20 7946 ${n}`;
    case 'DE':
      return `+49 30 901820${n.slice(0, 2)}`;
    default: {
      const area = ['212', '415', '512', '312', '416'][Math.floor(r() * 5)];
      return r() < 0.5 ? `(${area}) 555-${n}` : `+1 ${area}-555-${n}`;
    }
  }
}

/** One RECORD line (without newline). */
export function recordLine(i: number, r: () => number, nowMs: number, bigInt: boolean): string {
  const emittedAt = nowMs;
  const ageS = Math.floor(r() * 3600);
  if (r() < 0.7) {
    const [city, state, zip, country] = PLACES[Math.floor(r() * PLACES.length)];
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(r() * LAST.length)];
    const data: Record<string, unknown> = {
      order_id: `ORD-${String(i).padStart(9, '0')}`,
      status: 'paid',
      placed_at: new Date(nowMs - ageS * 1000).toISOString(),
      currency: r() < 0.8 ? 'USD' : 'eur',
      total: Math.round(r() * 50000) / 100,
      customer: {
        email: `  ${first.replace(/[^A-Za-z]/g, '')}.${last.replace(/[^A-Za-z]/g, '')}${i}@${DOMAINS[i % DOMAINS.length]} `,
        phone: phoneFor(country, r, i),
        first_name: first,
        last_name: last,
        address: { city, state, zip, country },
      },
      line_items: [
        { sku: SKUS[i % 4], name: 'Linen shirt', price: 49.9, quantity: 1 },
        { sku: SKUS[(i + 1) % 4], name: 'Canvas tote', price: 19.5, quantity: 2 },
      ],
    };
    let json = JSON.stringify({ type: 'RECORD', record: { namespace: 'shop', stream: 'orders', emitted_at: emittedAt, data } });
    if (bigInt) json = json.replace('"status":"paid"', `"status":"paid","customer_id":${9_000_000_000_000_000_000n + BigInt(i)}`);
    return json;
  }
  const data: Record<string, unknown> = {
    email: `user${i}@${DOMAINS[i % DOMAINS.length]}`,
    ip: `203.0.${(i >> 8) & 255}.${i & 255}`,
    user_agent: UAS[i % UAS.length],
    created_at: Math.floor(nowMs / 1000) - ageS,
    event: 'signup',
  };
  let json = JSON.stringify({ type: 'RECORD', record: { stream: 'signups', emitted_at: emittedAt, data } });
  if (bigInt) json = json.replace('"event":"signup"', `"event":"signup","customer_id":${9_000_000_000_000_000_000n + BigInt(i)}`);
  return json;
}

/** One per-stream STATE line. */
export function stateLine(k: number): string {
  const orders = k % 2 === 0;
  return JSON.stringify({
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: {
        stream_descriptor: orders ? { name: 'orders', namespace: 'shop' } : { name: 'signups' },
        stream_state: { cursor: `2024-05-01T00:00:${String(k % 60).padStart(2, '0')}Z`, seq: k },
      },
    },
  });
}

/** Writes the input file; returns {records, states, bytes}. */
export async function generateInput(path: string, o: GenerateOptions): Promise<{ records: number; states: number; bytes: number }> {
  const stateEvery = o.stateEvery ?? 1000;
  const bigFraction = o.bigIntFraction ?? 0;
  const nowMs = o.nowMs ?? Date.now();
  const r = rng(o.seed ?? 42);
  const out = createWriteStream(path);
  let buf = '';
  let states = 0;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    bytes += Buffer.byteLength(buf);
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  for (let i = 0; i < o.records; i++) {
    const big = bigFraction > 0 && i % Math.round(1 / bigFraction) === 0;
    buf += recordLine(i, r, nowMs, big) + '\n';
    if ((i + 1) % stateEvery === 0) buf += stateLine(states++) + '\n';
    if (buf.length > 1 << 20) await flush();
  }
  if (o.records % stateEvery !== 0) buf += stateLine(states++) + '\n';
  await flush();
  out.end();
  await once(out, 'finish');
  return { records: o.records, states, bytes };
}

/** Input with big records: one 5 MB text column (unmapped and mapped), and records with 100,000 junk fields. */
export async function generateBigInput(path: string, nowMs = Date.now()): Promise<{ records: number; states: number; lines: string[] }> {
  const createdAt = Math.floor(nowMs / 1000) - 60;
  const fiveMb = 'x'.repeat(5 * 1024 * 1024);
  const junk = (n: number, seed: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) o[`junk_${seed}_${k}`] = k % 3 === 0 ? k : `v${k}`;
    return o;
  };
  const lines = [
    // unmapped 5 MB column (signups: no primary key, no order_id → event_id rule 3 hashes the whole record)
    JSON.stringify({ type: 'RECORD', record: { stream: 'signups', emitted_at: nowMs, data: { email: 'big1@example.com', ip: '203.0.113.1', user_agent: UAS[0], created_at: createdAt, notes: fiveMb } } }),
    // 5 MB in a mapped column (user_agent → client_user_agent, Pinterest limit 16,384): dropped with a warning
    JSON.stringify({ type: 'RECORD', record: { stream: 'signups', emitted_at: nowMs, data: { email: 'big2@example.com', ip: '203.0.113.2', user_agent: fiveMb, created_at: createdAt } } }),
    // 5 MB email (mapped, hashed field): dropped with a warning, so the record has no identifier and is rejected
    JSON.stringify({ type: 'RECORD', record: { stream: 'signups', emitted_at: nowMs, data: { email: fiveMb + '@example.com', created_at: createdAt } } }),
    // 100,000 junk fields: orders (primary key → event_id rule 1) and signups (rule 3 over the whole record)
    JSON.stringify({ type: 'RECORD', record: { namespace: 'shop', stream: 'orders', emitted_at: nowMs, data: { order_id: 'ORD-JUNK-1', placed_at: new Date(nowMs - 60_000).toISOString(), total: 10, currency: 'USD', customer: { email: 'junk1@example.com' }, ...junk(100_000, 1) } } }),
    JSON.stringify({ type: 'RECORD', record: { stream: 'signups', emitted_at: nowMs, data: { email: 'junk2@example.com', created_at: createdAt, ...junk(100_000, 2) } } }),
    // 100,000 junk fields nested under the mapped `customer` object
    JSON.stringify({ type: 'RECORD', record: { namespace: 'shop', stream: 'orders', emitted_at: nowMs, data: { order_id: 'ORD-JUNK-3', placed_at: new Date(nowMs - 60_000).toISOString(), customer: { email: 'junk3@example.com', ...junk(100_000, 3) } } } }),
    stateLine(0),
    stateLine(1),
  ];
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path, lines.join('\n') + '\n');
  return { records: 6, states: 2, lines };
}
