/**
 * Standalone fake Pinterest API for the demo and benchmarks.
 *
 *   node_modules/.bin/tsx integration_tests/fake-pinterest/cli.ts [--latency-ms N] [--port N] [--rate429-every N] [--max-rps N] [--record]
 *     [--tls-key FILE --tls-cert FILE]
 *
 * --tls-key/--tls-cert: serve HTTPS with this PEM key and certificate (both or neither); the URL printed is https://.
 *
 * --max-rps N: a request-rate ceiling, 429 (Retry-After: 1) for an events request beyond N answered in the past second.
 *
 * Start it with tsx directly (or `node --import tsx`), not through `npx`/`sh -c`: those wrappers do not forward
 * SIGTERM, and the counters line would never be printed.
 *
 * Prints one JSON line `{"url":"http://127.0.0.1:PORT/v5"}` on stdout once listening, serves until SIGTERM/SIGINT,
 * then prints one JSON line `{"counters":{...}}` and exits 0. Bodies are not recorded unless --record is given
 * (memory stays flat on long benchmarks). While it runs, `GET <origin>/_fake/accepted` (the events processed, with --record), `GET <origin>/_fake/counters`, `POST <origin>/_fake/script`
 * (body: Fault[] or {faults, oauth, eqs, advertiser_defined_events}) and `POST <origin>/_fake/reset` are available (see
 * server.ts).
 */
import { readFileSync } from 'node:fs';
import { startFakePinterest, type FakePinterestOptions } from './server.js';

/** Parsed command line of the runner. */
export interface FakeCliArgs {
  latencyMs: number;
  port: number;
  rate429Every: number;
  maxRps: number;
  record: boolean;
  /** PEM files for HTTPS (both set, or neither). */
  tlsKey?: string;
  tlsCert?: string;
}

/** Parses the runner's arguments; throws on unknown flags or non-integer values. */
export function parseFakeCliArgs(argv: string[]): FakeCliArgs {
  const out: FakeCliArgs = { latencyMs: 0, port: 0, rate429Every: 0, maxRps: 0, record: false };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
    return n;
  };
  const path = (flag: string, v: string | undefined): string => {
    if (v === undefined || v === '') throw new Error(`${flag} needs a file`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--latency-ms': out.latencyMs = num(flag, value()); break;
      case '--port': out.port = num(flag, value()); break;
      case '--rate429-every': out.rate429Every = num(flag, value()); break;
      case '--max-rps': out.maxRps = num(flag, value()); break;
      case '--record': out.record = true; break;
      case '--tls-key': out.tlsKey = path(flag, value()); break;
      case '--tls-cert': out.tlsCert = path(flag, value()); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if ((out.tlsKey === undefined) !== (out.tlsCert === undefined)) throw new Error('--tls-key and --tls-cert go together');
  return out;
}

async function main(): Promise<void> {
  let args: FakeCliArgs;
  try {
    args = parseFakeCliArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fake-pinterest: ${(e as Error).message}\nusage: cli.ts [--latency-ms N] [--port N] [--rate429-every N] [--max-rps N] [--record] [--tls-key FILE --tls-cert FILE]\n`);
    process.exit(2);
  }
  const options: FakePinterestOptions = {
    latencyMs: args.latencyMs,
    port: args.port,
    rate429Every: args.rate429Every,
    maxEventsRequestsPerSecond: args.maxRps,
    recordBodies: args.record,
  };
  if (args.tlsKey !== undefined && args.tlsCert !== undefined) options.tls = { key: readFileSync(args.tlsKey, 'utf8'), cert: readFileSync(args.tlsCert, 'utf8') };
  const fake = await startFakePinterest(options);
  process.stdout.write(JSON.stringify({ url: fake.url }) + '\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await fake.close();
    process.stdout.write(JSON.stringify({ counters: fake.counters }) + '\n');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
