/**
 * Throughput floor: only the unavoidable work of the connector, in one Node process, no HTTP.
 *
 *   node bench/out/floor.mjs --dist DIST_DIR [--all-identifiers] < input.jsonl   (run.ts compiles this to bench/out/floor.mjs)
 *
 * Reads stdin line by line, JSON.parse's every line, and for each RECORD normalizes and hashes the email and phone
 * with the project's own normalizers (`normalizeEmail`, `normalizePhone`, `sha256Hex`, loaded from the compiled
 * `dist/`), builds a minimal Pinterest event, and JSON.stringify's batches of 1,000 events. Prints one JSON line:
 * {records, states, batches, bytesOut, ms, maxRssKb}.
 *
 * With --all-identifiers (a diagnostic, not the floor of issue 6): orders also get first/last name, city, state, zip
 * and country, each through the connector's own per-value rule (`hashUserValue`), i.e. every identifier the
 * connector maps from these records. The gap between the two floors is identifier work, not pipeline overhead.
 */
type Norm = typeof import('../src/mapping/normalize/index.js');
type Hash = typeof import('../src/mapping/hash.js');
type UserData = typeof import('../src/mapping/user-data.js');

const started = performance.now();
const distArg = process.argv.indexOf('--dist');
if (distArg < 0) throw new Error('usage: floor.mjs --dist DIST_DIR < input.jsonl');
const dist = new URL(`file://${process.argv[distArg + 1].replace(/\/?$/, '/')}`);
const norm = (await import(new URL('mapping/normalize/index.js', dist).href)) as Norm;
const { sha256Hex } = (await import(new URL('mapping/hash.js', dist).href)) as Hash;
const { normalizeEmail, normalizePhone } = norm;
const allIdentifiers = process.argv.includes('--all-identifiers');
const { hashUserValue } = (await import(new URL('mapping/user-data.js', dist).href)) as UserData;

const phoneCtx = { defaultPhoneCountry: 'US' };
let records = 0;
let states = 0;
let batches = 0;
let bytesOut = 0;
let batch: object[] = [];

function hashed(v: unknown): string[] | undefined {
  return typeof v === 'string' ? [sha256Hex(v)] : undefined;
}

function onLine(line: string): void {
  if (line.length === 0) return;
  const msg = JSON.parse(line) as { type: string; record?: { stream: string; data: Record<string, any> } };
  if (msg.type === 'STATE') {
    states++;
    return;
  }
  if (msg.type !== 'RECORD' || !msg.record) return;
  records++;
  const d = msg.record.data;
  let event: object;
  if (msg.record.stream === 'orders') {
    const c = d.customer ?? {};
    const userData: Record<string, unknown> = { em: hashed(normalizeEmail(c.email)) };
    if (!allIdentifiers) userData.ph = hashed(normalizePhone(c.phone, phoneCtx));
    else {
      const a = c.address ?? {};
      const countryHash = hashUserValue('country', a.country);
      const country = norm.normalizeCountry(a.country);
      const ctx = { country: typeof country === 'string' ? country : undefined, defaultPhoneCountry: 'US' };
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
  if (batch.length === 1000) flush();
}

function flush(): void {
  if (batch.length === 0) return;
  bytesOut += JSON.stringify({ data: batch }).length;
  batches++;
  batch = [];
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
}
onLine(rest);
flush();
process.stdout.write(
  JSON.stringify({ records, states, batches, bytesOut, ms: performance.now() - started, maxRssKb: process.resourceUsage().maxRSS, cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000 }) + '\n',
);
