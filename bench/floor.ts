/**
 * Throughput floor: the connector's unavoidable work on the bench input, in one Node process.
 *
 *   node bench/out/floor.mjs --dist DIST_DIR [--floor fair|sent|identifiers|minimal] [--bodies FILE]
 *     [--url API_BASE --token TOKEN --ad-account ID (sent)] < input.jsonl
 *   (run.ts compiles this file to bench/out/floor.mjs; no tsx at run time)
 *
 * Reads stdin line by line (UTF-8), JSON.parse's every line and, per RECORD of the bench's two streams (see
 * bench/generate.ts and integration_tests/sample_config.json), does one of:
 *
 * - `fair` (the default; the yardstick of `npm run bench`): exactly the work whose result Pinterest receives, with the
 *   project's own functions from the compiled `dist/`:
 *   - every identifier the connector maps from these rows normalized and hashed by the per-value rule `hashUserValue`
 *     (orders: email, phone, first/last name, city, state, zip and country, with the record's country steering phone,
 *     state and zip; signups: email), the plain client_ip_address and client_user_agent through `normalizePlainValue`;
 *   - event_time read by `parseTimestampSeconds`, custom_data value/currency/order_id by the catalog's coercers;
 *   - event_id by `deriveEventId` (orders by their primary key, signups by the whole record);
 *   - each event `JSON.stringify`'d into an `EventBatch` (the request body as UTF-8 bytes, `{"data":[...]}`, at most
 *     1,000 events), in the connector's key order, so the bodies are the connector's byte for byte; a batch gives its
 *     buffer back once its answer is read, for the next batch, as the connector's batches do (without that, the
 *     floor allocated a fresh 1 MB buffer per batch and took about 1.5 CPU s more per 200,000 records, 2026-12-07);
 *   - per full batch, the answer the bench's fake gives for that many accepted events (its exact JSON text, built
 *     once per batch size) decoded from UTF-8 and `JSON.parse`d, and its per-event statuses read.
 *   Left out, because they are what the connector/floor ratio measures: HTTP, the config-driven mapper (field readers,
 *   plans, warnings), the event schema check, the pipeline, state bookkeeping and output.
 * - `sent` (diagnostic): `fair`, but each body is POSTed to the fake (`--url`, the API base such as
 *   http://127.0.0.1:PORT/v5) with the connector's undici dispatcher and request function from `dist/`, up to 8 in
 *   flight, and the fake's own answer is read and parsed: what HTTP and a fake on the same machine add to the floor.
 * - `identifiers` (diagnostic): the old `--all-identifiers` floor: every identifier hashed, but event_id copied from
 *   order_id / a counter, events stringified as one `{data:[...]}` string, no answers.
 * - `minimal` (diagnostic; the floor before issue 16): email and phone only, otherwise as `identifiers`.
 *
 * With `--bodies FILE` (fair and sent) every request body is also written to FILE, one per line, to compare with what the
 * connector sends. Prints one JSON line: {floor, records, states, batches, bytesOut, ms, maxRssKb, cpuMs}; bytesOut is
 * the UTF-8 size of all request bodies (the fake's `bytesReceived` for the same input when nothing is retried).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Norm = typeof import('../src/mapping/normalize/index.js');
type Hash = typeof import('../src/mapping/hash.js');
type UserData = typeof import('../src/mapping/user-data.js');
type Coerce = typeof import('../src/mapping/coerce.js');
type EventId = typeof import('../src/mapping/event-id.js');
type Batch = typeof import('../src/pinterest/event-batch.js');
type Warnings = import('../src/mapping/types.js').MappingWarning[];

const started = performance.now();
const USAGE = 'usage: floor.mjs --dist DIST_DIR [--floor fair|sent|identifiers|minimal] [--bodies FILE] [--url API_BASE --token TOKEN --ad-account ID] < input.jsonl';
const argOf = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
};
const distDir = argOf('--dist');
if (distDir === undefined) throw new Error(USAGE);
const mode = argOf('--floor') ?? (process.argv.includes('--all-identifiers') ? 'identifiers' : 'fair');
if (mode !== 'fair' && mode !== 'sent' && mode !== 'identifiers' && mode !== 'minimal') throw new Error(USAGE);
const apiUrl = argOf('--url');
const token = argOf('--token');
const adAccount = argOf('--ad-account');
if (mode === 'sent' && (apiUrl === undefined || token === undefined || adAccount === undefined)) throw new Error(USAGE);
const bodiesFile = argOf('--bodies');
if (bodiesFile !== undefined) writeFileSync(bodiesFile, '');

const dist = pathToFileURL(resolve(distDir) + '/');
const load = async <T>(path: string): Promise<T> => (await import(new URL(path, dist).href)) as T;
const norm = await load<Norm>('mapping/normalize/index.js');
const { sha256Hex } = await load<Hash>('mapping/hash.js');
const { hashUserValue, normalizePlainValue } = await load<UserData>('mapping/user-data.js');
const { parseTimestampSeconds, toCurrency, toDecimal, toText } = await load<Coerce>('mapping/coerce.js');
const { deriveEventId } = await load<EventId>('mapping/event-id.js');
const { EventBatch } = await load<Batch>('pinterest/event-batch.js');
/** Most requests in flight of the `sent` floor. */
const SENT_IN_FLIGHT = 8;
type Http = typeof import('../src/pinterest/http.js');
type Core = typeof import('../src/pinterest/undici-core.js');
const http = mode === 'sent' ? await load<Http>('pinterest/http.js') : undefined;
const core = mode === 'sent' ? await load<Core>('pinterest/undici-core.js') : undefined;
const dispatcher = http?.createDispatcher(SENT_IN_FLIGHT + 2);
const { normalizeEmail, normalizePhone } = norm;

let records = 0;
let states = 0;
let batches = 0;
let bytesOut = 0;
let processedAnswers = 0;

// ---- fair ---------------------------------------------------------------------------------------------------
const MAX_EVENTS_PER_REQUEST = 1000;
const DEFAULT_PHONE_COUNTRY = 'US';
const noCountryCtx = { defaultPhoneCountry: DEFAULT_PHONE_COUNTRY };
const warnings: Warnings = []; // coercers report dropped values here; nothing in the bench input is dropped
let eventBatch = new EventBatch();

/** The fake's 200 answer for `n` accepted events, as the UTF-8 bytes it sends (integration_tests/fake-pinterest). */
const answers = new Map<number, Buffer>();
function answerFor(n: number): Buffer {
  let a = answers.get(n);
  if (a === undefined) {
    const events = Array.from({ length: n }, () => ({ status: 'processed', error_message: null, warning_message: null }));
    a = Buffer.from(JSON.stringify({ num_events_received: n, num_events_processed: n, events }));
    answers.set(n, a);
  }
  return a;
}

/** Adds the hash of one value to user_data[key] when the per-value rule keeps it. */
function put(userData: Record<string, unknown>, key: string, h: unknown): void {
  if (typeof h === 'string') userData[key] = [h];
}

function fairOrder(d: Record<string, any>): string {
  const c = d.customer ?? {};
  const a = c.address ?? {};
  const rawCountry = typeof a.country === 'string' ? norm.normalizeCountry(a.country.trim()) : undefined;
  const ctx = typeof rawCountry === 'string' ? { country: rawCountry, defaultPhoneCountry: DEFAULT_PHONE_COUNTRY } : noCountryCtx;
  const userData: Record<string, unknown> = {};
  put(userData, 'em', hashUserValue('email', c.email, ctx));
  put(userData, 'ph', hashUserValue('phone', c.phone, ctx));
  put(userData, 'fn', hashUserValue('first_name', c.first_name, ctx));
  put(userData, 'ln', hashUserValue('last_name', c.last_name, ctx));
  put(userData, 'ct', hashUserValue('city', a.city, ctx));
  put(userData, 'st', hashUserValue('state', a.state, ctx));
  put(userData, 'zp', hashUserValue('zip_code', a.zip, ctx));
  put(userData, 'country', hashUserValue('country', a.country, ctx));
  const eventTime = parseTimestampSeconds(d.placed_at) as number;
  const customData: Record<string, unknown> = {};
  if (d.total != null) customData.value = toDecimal(d.total, 'value', warnings);
  if (d.currency != null) customData.currency = toCurrency(d.currency, 'currency', warnings);
  if (d.order_id != null) customData.order_id = toText(d.order_id, 'order_id', warnings);
  const eventId = deriveEventId({
    namespace: 'shop',
    stream: 'orders',
    eventName: 'checkout',
    primaryKeyValues: [d.order_id],
    orderId: customData.order_id as string | undefined,
    eventTimeFromRecord: eventTime,
    data: d,
  }).id;
  return JSON.stringify({ event_name: 'checkout', action_source: 'web', event_time: eventTime, event_id: eventId, user_data: userData, custom_data: customData });
}

function fairSignup(d: Record<string, any>): string {
  const userData: Record<string, unknown> = {};
  put(userData, 'em', hashUserValue('email', d.email, noCountryCtx));
  const ip = normalizePlainValue('client_ip_address', d.ip);
  if (typeof ip === 'string') userData.client_ip_address = ip;
  const ua = normalizePlainValue('client_user_agent', d.user_agent);
  if (typeof ua === 'string') userData.client_user_agent = ua;
  const eventTime = parseTimestampSeconds(d.created_at) as number;
  const eventId = deriveEventId({ namespace: undefined, stream: 'signups', eventName: 'signup', eventTimeFromRecord: eventTime, data: d }).id;
  return JSON.stringify({ event_name: 'signup', action_source: 'web', event_time: eventTime, event_id: eventId, user_data: userData });
}

function fairRecord(stream: string, d: Record<string, any>): void {
  eventBatch.push(stream === 'orders' ? fairOrder(d) : fairSignup(d));
  if (eventBatch.length === MAX_EVENTS_PER_REQUEST) (mode === 'sent' ? sentFlush : fairFlush)();
}

/** Requests in flight (`sent`). */
const inFlight = new Set<Promise<void>>();

/**
 * Ends the batch being filled, if it holds events: counts its body, writes it to `--bodies`, and starts the next
 * batch (sized from this one). Returns the ended batch and its body; the caller releases the batch once its answer
 * is read, so the next batch after that reuses its buffer, as the connector's do.
 */
function takeBatch(): { batch: InstanceType<typeof EventBatch>; body: Buffer } | undefined {
  if (eventBatch.length === 0) return undefined;
  const batch = eventBatch;
  const body = batch.body();
  bytesOut += body.length;
  if (bodiesFile !== undefined) appendFileSync(bodiesFile, Buffer.concat([body, Buffer.from('\n')]));
  batches++;
  eventBatch = new EventBatch(Math.ceil(body.length * 1.1));
  return { batch, body };
}

/** Reads an answer as the connector reads it (UTF-8 text, JSON.parse) and counts its processed events. */
function countAnswer(text: string): void {
  const answer = JSON.parse(text) as { events: { status: string }[] };
  for (const e of answer.events) if (e.status === 'processed') processedAnswers++;
}

/** `sent`: POSTs the batch to the fake and reads the fake's answer. */
function sentFlush(): void {
  const taken = takeBatch();
  if (!taken) return;
  const p = (async () => {
    const res = await core!.request(`${apiUrl}/ad_accounts/${adAccount}/events`, {
      method: 'POST',
      dispatcher: dispatcher!,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: taken.body,
    });
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200) throw new Error(`floor: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    countAnswer(text);
    taken.batch.release();
  })();
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

/** `fair`: one request's worth without HTTP: the body as sent, then the fake's answer for that many events. */
function fairFlush(): void {
  const taken = takeBatch();
  if (!taken) return;
  countAnswer(answerFor(taken.batch.length).toString('utf8'));
  taken.batch.release();
}

// ---- identifiers / minimal (diagnostics) ----------------------------------------------------------------------
let batch: object[] = [];

function hashed(v: unknown): string[] | undefined {
  return typeof v === 'string' ? [sha256Hex(v)] : undefined;
}

function diagnosticRecord(stream: string, d: Record<string, any>): void {
  let event: object;
  if (stream === 'orders') {
    const c = d.customer ?? {};
    const userData: Record<string, unknown> = { em: hashed(normalizeEmail(c.email)) };
    if (mode === 'minimal') userData.ph = hashed(normalizePhone(c.phone, noCountryCtx));
    else {
      const a = c.address ?? {};
      const countryHash = hashUserValue('country', a.country);
      const country = norm.normalizeCountry(a.country);
      const ctx = { country: typeof country === 'string' ? country : undefined, defaultPhoneCountry: DEFAULT_PHONE_COUNTRY };
      userData.ph = [hashUserValue('phone', c.phone, ctx)];
      userData.fn = [hashUserValue('first_name', c.first_name)];
      userData.ln = [hashUserValue('last_name', c.last_name)];
      userData.ct = [hashUserValue('city', a.city)];
      userData.st = [hashUserValue('state', a.state, ctx)];
      userData.zp = [hashUserValue('zip_code', a.zip, ctx)];
      userData.country = [countryHash];
    }
    event = {
      event_name: 'checkout',
      action_source: 'web',
      event_time: Math.floor(Date.parse(d.placed_at) / 1000),
      event_id: d.order_id,
      user_data: userData,
      custom_data: { currency: d.currency, value: String(d.total), order_id: d.order_id },
    };
  } else {
    event = {
      event_name: 'signup',
      action_source: 'web',
      event_time: d.created_at,
      event_id: String(records),
      user_data: { em: hashed(normalizeEmail(d.email)), client_ip_address: d.ip, client_user_agent: d.user_agent },
    };
  }
  batch.push(event);
  if (batch.length === MAX_EVENTS_PER_REQUEST) diagnosticFlush();
}

function diagnosticFlush(): void {
  if (batch.length === 0) return;
  bytesOut += JSON.stringify({ data: batch }).length;
  batches++;
  batch = [];
}

// ---- input --------------------------------------------------------------------------------------------------
const onRecord = mode === 'fair' || mode === 'sent' ? fairRecord : diagnosticRecord;

function onLine(line: string): void {
  if (line.length === 0) return;
  const msg = JSON.parse(line) as { type: string; record?: { stream: string; data: Record<string, any> } };
  if (msg.type === 'STATE') {
    states++;
    return;
  }
  if (msg.type !== 'RECORD' || !msg.record) return;
  records++;
  onRecord(msg.record.stream, msg.record.data);
}

process.stdin.setEncoding('utf8');
let rest = '';
for await (const chunk of process.stdin as AsyncIterable<string>) {
  let start = 0;
  let nl: number;
  const text = rest === '' ? chunk : rest + chunk;
  while ((nl = text.indexOf('\n', start)) >= 0) {
    onLine(text.slice(start, nl));
    start = nl + 1;
  }
  rest = text.slice(start);
  while (inFlight.size >= SENT_IN_FLIGHT) await Promise.race(inFlight);
}
onLine(rest);
if (mode === 'fair') fairFlush();
else if (mode === 'sent') {
  sentFlush();
  try {
    await Promise.all(inFlight);
  } finally {
    await dispatcher!.close();
  }
} else diagnosticFlush();
if ((mode === 'fair' || mode === 'sent') && processedAnswers !== records) throw new Error(`floor: ${processedAnswers} answers read for ${records} records`);
const usage = process.resourceUsage();
process.stdout.write(
  JSON.stringify({
    floor: mode,
    records,
    states,
    batches,
    bytesOut,
    ms: performance.now() - started,
    maxRssKb: usage.maxRSS,
    cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  }) + '\n',
);
