/**
 * `npm run bench`: throughput and memory of the real `write` CLI against the local fake Pinterest API.
 *
 *   npm run bench [-- --records N] [--repeat R] [--node PATH | --image-node] [--floors LIST] [--memory] [--no-big]
 *                 [--no-bigint] [--no-tls] [--no-latency] [--latency-ms MS[,MS...]] [--ceiling-rps R] [--concurrency C]
 *                 [--profile] [--help]
 *
 * N defaults to 200,000 (or env BENCH_RECORDS). Steps (each connector run is `node dist/main.js write` with stdin
 * streamed from a temp file, against the fake in its own process; no timing assertions anywhere):
 * 1. fair floor: `bench/floor.ts` (compiled to bench/out/floor.mjs, no tsx at run time) doing the connector's
 *    unavoidable work with the project's own code from dist/: JSON.parse, every mapped identifier normalized and
 *    hashed, event_id derived, events serialized into the connector's request bodies, the fake's answers parsed;
 *    no HTTP, mapper, schema check, pipeline or state bookkeeping (those are what the ratio measures). Its request
 *    bytes are checked against the bytes the fake received from the connector (the bodies are the same);
 * 2. connector, fake answering at once; ratios connector/fair floor by wall clock and by CPU time (the connector
 *    process's user + system CPU against the floor's); the diagnostic floors of --floors (`sent`: the fair floor
 *    POSTing its bodies to the fake: what HTTP adds to the floor process, the fake competing for the same cores;
 *    `minimal`: email and phone only, the floor before issue 16; `identifiers`: every identifier but no event_id,
 *    answers or bytes) show how the floor's own cost splits, and what HTTP adds to it;
 * 3. connector, fake answering after 100 ms and after 300 ms (--latency-ms); ratio to step 2 (latency hidden by
 *    the adaptive number of in-flight batches); steps 1-3 run interleaved, best of --repeat rounds each (records/s
 *    and CPU seconds each the best of their rounds), so their ratios compare runs made under the same conditions
 *    (the speed of a shared machine drifts);
 * 3b. 429 ceiling: the fake answers 429 (Retry-After: 1) above --ceiling-rps requests per second (default 10, after
 *    100 ms): requests, 429s and the accepted request rate as a share of the ceiling (0 skips this run);
 * 4. lossless-JSON cost: floor and connector on an input where 10% of lines carry a 19-digit integer;
 * 4b. HTTPS: the connector at 0 ms against a fake serving HTTPS (a test certificate made with openssl in the temp
 *    directory, trusted by the connector through NODE_EXTRA_CA_CERTS), interleaved with the plain run: what TLS
 *    costs the connector (--no-tls skips it; skipped with a note when openssl is missing);
 * 5. big records: a 5 MB text column (unmapped, and in mapped user_agent / email), 100,000-field records;
 * 6. with --memory: N = 100,000 and 1,000,000, peak RSS compared (growth must stay < 20%).
 * The connector and the floors run on `--node PATH` (or the image's Node with --image-node, installed by
 * scripts/image-node.ts; default: the node running this script) with the node flags of the Dockerfile's ENTRYPOINT
 * and its `ENV MALLOC_...` settings (read from it, so the two cannot drift); the fake always runs on the node running
 * this script.
 * Peak RSS is the connector process's own VmHWM at exit (bench/stats-preload.cjs), cross-checked by sampling VmRSS.
 * Prints a table and writes bench/out/last.json and bench/out/last-node-<version>.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFloor } from './compile-floor.js';
import { type CertificateFiles, selfSignedCertificate } from '../integration_tests/helpers/certificate.js';
import { generateBigInput, generateInput } from './generate.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT = join(ROOT, 'bench', 'out');
const MAIN = join(ROOT, 'dist', 'main.js');
const PRELOAD = join(ROOT, 'bench', 'stats-preload.cjs');
const FAKE_CLI = join(ROOT, 'integration_tests', 'fake-pinterest', 'cli.ts');

interface Args {
  records: number;
  repeat: number;
  memory: boolean;
  big: boolean;
  latency: boolean;
  latencyMs: number[];
  ceilingRps: number;
  concurrency?: number;
  profile: boolean;
  bigint: boolean;
  /** Run the connector over HTTPS too (step 4b). */
  tls: boolean;
  /** Node binary of the connector and the floors; undefined = this process's. */
  node?: string;
  imageNode: boolean;
  /** Diagnostic floors run besides the fair one. */
  floors: FloorMode[];
}

type FloorMode = 'fair' | 'sent' | 'identifiers' | 'minimal';
const FLOOR_MODES: readonly FloorMode[] = ['fair', 'sent', 'identifiers', 'minimal'];

const USAGE = `usage: npm run bench [-- options]
  --records N           records per run (default 200000, or env BENCH_RECORDS)
  --repeat R            interleaved rounds; the best of R is kept per run (default 1)
  --node PATH           node binary for the connector and the floors (default: the one running the bench)
  --image-node          the Docker image's Node (scripts/image-node.ts installs it from the npm registry)
  --floors LIST         floors to run, comma-separated: fair (the yardstick, always run), sent (the fair floor
                        that also POSTs its bodies to the fake, 8 in flight, and parses the fake's answers),
                        minimal (email and phone only: the floor before issue 16), identifiers (every identifier,
                        no event_id, bytes or answers); default fair,sent,minimal
  --memory              also N = 100,000 and 1,000,000: peak RSS, flat in N
  --no-big              skip the big-records run (5 MB values, 100,000-field records)
  --no-bigint           skip the 10%-big-integers run
  --no-tls              skip the HTTPS run (the fake over TLS with a test certificate made by openssl)
  --no-latency          skip the latency runs
  --latency-ms A[,B]    fake answer latencies to run, in ms (default 100,300)
  --ceiling-rps R       429-ceiling run: the fake answers 429 above R requests/s (default 10; 0 skips it)
  --concurrency C       max_concurrent_requests for the connector (default: the config default)
  --profile             write CPU profiles of the connector to bench/out/prof
  --help                this text
`;

function positiveInteger(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer`);
  return n;
}

function nonNegativeInteger(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
  return n;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    records: Number(process.env.BENCH_RECORDS ?? 200_000),
    repeat: 1,
    memory: false,
    big: true,
    latency: true,
    latencyMs: [100, 300],
    ceilingRps: 10,
    profile: false,
    bigint: true,
    tls: true,
    imageNode: false,
    floors: ['sent', 'minimal'],
  };
  // --flag=value is read as --flag value
  argv = argv.flatMap((w) => (/^--[a-z-]+=/.test(w) ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w]));
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const num = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${f} needs a positive integer`);
      return n;
    };
    switch (f) {
      case '--records': a.records = num(); break;
      case '--repeat': a.repeat = num(); break;
      case '--memory': a.memory = true; break;
      case '--no-big': a.big = false; break;
      case '--no-bigint': a.bigint = false; break;
      case '--no-tls': a.tls = false; break;
      case '--node': a.node = argv[++i]; if (!a.node) throw new Error('--node needs a path'); break;
      case '--image-node': a.imageNode = true; break;
      case '--floors': case '--floor': {
        const list = (argv[++i] ?? '').split(',').filter((x) => x !== '');
        for (const m of list) if (!FLOOR_MODES.includes(m as FloorMode)) throw new Error(`${f}: unknown floor ${m} (${FLOOR_MODES.join(', ')})`);
        a.floors = list.filter((m) => m !== 'fair') as FloorMode[];
        break;
      }
      case '--no-latency': a.latency = false; break;
      case '--latency-ms': a.latencyMs = (argv[++i] ?? '').split(',').map((v) => positiveInteger(f, v)); break;
      case '--ceiling-rps': a.ceilingRps = nonNegativeInteger(f, argv[++i]); break;
      case '--concurrency': a.concurrency = num(); break;
      case '--profile': a.profile = true; break;
      case '--help': case '-h': process.stdout.write(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument ${f}`);
    }
  }
  if (!Number.isInteger(a.records) || a.records <= 0) throw new Error('--records / BENCH_RECORDS must be a positive integer');
  if (a.node !== undefined && a.imageNode) throw new Error('--node and --image-node exclude each other');
  return a;
}

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` (npm run bench does)');

const benchStarted = performance.now();
/** One progress line on stderr, with the time since the bench started (the table comes at the end, on stdout). */
function progress(text: string): void {
  process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(0)} s] ${text}\n`);
}

/** The node binary of the connector and the floors: --node, the image's (--image-node), or this process's. */
function benchNode(): string {
  if (args.node !== undefined) return resolve(args.node);
  if (!args.imageNode) return process.execPath;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'image-node.ts'), 'install'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !dir) throw new Error(`scripts/image-node.ts install failed (exit ${String(r.status)})`);
  return join(dir, 'node');
}
const NODE = benchNode();
const NODE_VERSION = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout?.trim();
if (!NODE_VERSION) throw new Error(`${NODE} --version printed nothing: not a node binary?`);
mkdirSync(OUT, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'pinterest-bench-'));
const children = new Set<ChildProcess>();
const cleanup = (): void => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const CLK_TCK = 100;
/** utime + stime of a process in ms (Linux /proc). */
function cpuMsOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
  } catch {
    return NaN;
  }
}

// ---- node flags of the shipped command -------------------------------------------------------------------------
/**
 * The node options of the image's ENTRYPOINT (exec form: `["node", <options...>, "/airbyte/.../dist/main.js"]`), so that
 * the connector is measured with the flags it ships with (e.g. a V8 young-generation cap) and the two cannot drift.
 */
function shippedNodeFlags(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const matches = [...dockerfile.matchAll(/^ENTRYPOINT\s+(\[.*\])\s*$/gm)];
  if (matches.length === 0) throw new Error('Dockerfile: no exec-form ENTRYPOINT to read the node flags from');
  const argv = JSON.parse(matches[matches.length - 1][1]) as string[];
  const main = argv.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  if (argv[0] !== 'node' || main === -1) throw new Error(`Dockerfile: ENTRYPOINT ${JSON.stringify(argv)} is not ["node", <flags...>, <main.js>]`);
  return argv.slice(1, main);
}
const SHIPPED_NODE_FLAGS = shippedNodeFlags();

/**
 * The glibc malloc settings the image sets (`ENV MALLOC_...=value` lines of the Dockerfile), given to the connector and
 * the floors as in the image, so that peak RSS is measured with the allocator settings users run with.
 */
function shippedMallocEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  return Object.fromEntries([...dockerfile.matchAll(/^ENV\s+(MALLOC_[A-Z_]+)=(\S+)\s*$/gm)].map((m) => [m[1], m[2]]));
}
const SHIPPED_MALLOC_ENV = shippedMallocEnv();
const SHIPPED_SETTINGS = [...SHIPPED_NODE_FLAGS, ...Object.entries(SHIPPED_MALLOC_ENV).map(([k, v]) => `${k}=${v}`)].join(' ') || '(none)';

// ---- config and catalog -------------------------------------------------------------------------------------
const sampleConfig = JSON.parse(readFileSync(join(ROOT, 'integration_tests', 'sample_config.json'), 'utf8')) as Record<string, unknown>;
function writeConfig(concurrency?: number): string {
  const cfg = { ...sampleConfig, ...(concurrency !== undefined ? { max_concurrent_requests: concurrency } : {}) };
  const p = join(tmp, `config-${concurrency ?? 'default'}.json`);
  writeFileSync(p, JSON.stringify(cfg));
  return p;
}
const catalogPath = join(tmp, 'catalog.json');
writeFileSync(catalogPath, readFileSync(join(ROOT, 'integration_tests', 'configured_catalog.json')));

// ---- the fake API -------------------------------------------------------------------------------------------
interface Fake {
  url: string;
  origin: string;
  pid: number;
  child: ChildProcess;
  /** PEM file of the fake's certificate when it serves HTTPS: the connector trusts it (NODE_EXTRA_CA_CERTS). */
  ca?: string;
}

async function startFake(latencyMs: number, maxRps = 0, tls?: CertificateFiles): Promise<Fake> {
  const fakeArgs = ['--import', 'tsx', FAKE_CLI, '--latency-ms', String(latencyMs), '--max-rps', String(maxRps)];
  if (tls) fakeArgs.push('--tls-key', tls.key, '--tls-cert', tls.cert);
  const child = spawn(process.execPath, fakeArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => {
      buf += c;
      const nl = buf.indexOf('\n');
      if (nl >= 0) res((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
    });
    child.once('exit', (code) => rej(new Error(`fake exited with ${code}`)));
  });
  return { url, origin: url.replace(/\/v5$/, ''), pid: child.pid!, child, ca: tls?.cert };
}

async function stopFake(f: Fake): Promise<void> {
  const done = new Promise((r) => f.child.once('exit', r));
  f.child.kill('SIGTERM');
  await done;
  children.delete(f.child);
}

/** One request to the fake's control endpoints (HTTPS ones with the fake's own certificate trusted); the body text. */
function fakeRequest(f: Fake, method: 'GET' | 'POST', path: string): Promise<string> {
  return new Promise((res, rej) => {
    const done = (r: IncomingMessage): void => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => res(text));
      r.on('error', rej);
    };
    const url = `${f.origin}${path}`;
    const req = f.ca ? httpsRequest(url, { method, ca: readFileSync(f.ca) }, done) : httpRequest(url, { method }, done);
    req.on('error', rej);
    req.end();
  });
}

async function fakeCounters(f: Fake): Promise<Record<string, any>> {
  return JSON.parse(await fakeRequest(f, 'GET', '/_fake/counters')) as Record<string, any>;
}

async function resetFake(f: Fake): Promise<void> {
  await fakeRequest(f, 'POST', '/_fake/reset');
}

// ---- connector runs -----------------------------------------------------------------------------------------
interface ConnectorRun {
  label: string;
  records: number;
  exitCode: number | null;
  wallMs: number;
  recordsPerSec: number;
  peakRssMb: number;
  sampledPeakRssMb: number;
  cpuMs: number;
  fakeCpuMs: number;
  requests: number;
  /** Request body bytes the fake received (all attempts). */
  bytesReceived: number;
  fakeMaxInFlight: number;
  acceptedByFake: number;
  statesIn: number;
  statesEchoed: number;
  rejected: number;
  warnings: string[];
  trace?: string;
  ok: boolean;
}

async function runConnector(label: string, input: string, meta: { records: number; states: number }, fake: Fake, concurrency?: number): Promise<ConnectorRun> {
  await resetFake(fake);
  const statsFile = join(tmp, `stats-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
  const nodeArgs = [...SHIPPED_NODE_FLAGS, '--require', PRELOAD];
  if (args.profile) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', join(OUT, 'prof'));
  const fakeCpu0 = cpuMsOf(fake.pid);
  const t0 = performance.now();
  const child = spawn(NODE, [...nodeArgs, MAIN, 'write', '--config', writeConfig(concurrency), '--catalog', catalogPath], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...SHIPPED_MALLOC_ENV,
      PINTEREST_API_BASE_URL: fake.url,
      BENCH_STATS_FILE: statsFile,
      ...(fake.ca ? { NODE_EXTRA_CA_CERTS: fake.ca } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  createReadStream(input, { highWaterMark: 1 << 20 }).pipe(child.stdin!);
  child.stdin!.on('error', () => undefined);
  let sampled = 0;
  const sampler = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) sampled = Math.max(sampled, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 25);
  let statesEchoed = 0;
  let rejected = 0;
  let trace: string | undefined;
  const warnings: string[] = [];
  let pending = '';
  const onLine = (line: string): void => {
    if (line.startsWith('{"type":"STATE"')) {
      statesEchoed++;
      const m = /"rejectedRecordCount":(\d+)/.exec(line);
      if (m) rejected += Number(m[1]);
      return;
    }
    if (line.startsWith('{"type":"LOG"')) {
      const msg = JSON.parse(line).log as { level: string; message: string };
      if (msg.level === 'WARN' && warnings.length < 50) warnings.push(msg.message.slice(0, 300));
    } else if (line.startsWith('{"type":"TRACE"')) {
      trace = String(JSON.parse(line).trace?.error?.message);
    }
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (c: string) => {
    pending += c;
    let nl: number;
    let start = 0;
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      onLine(pending.slice(start, nl));
      start = nl + 1;
    }
    pending = pending.slice(start);
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => (stderr += c));
  const exitCode = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  children.delete(child);
  const fakeCpuMs = cpuMsOf(fake.pid) - fakeCpu0;
  if (stderr.trim()) process.stderr.write(`[${label}] connector stderr:\n${stderr.slice(0, 2000)}\n`);
  const stats = existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8').trim().split('\n').pop()!) as Record<string, number>) : {};
  const counters = await fakeCounters(fake);
  const run: ConnectorRun = {
    label,
    records: meta.records,
    exitCode,
    wallMs,
    recordsPerSec: meta.records / (wallMs / 1000),
    peakRssMb: (stats.vmHwmKb ?? stats.maxRssKb ?? NaN) / 1024,
    sampledPeakRssMb: sampled / 1024,
    cpuMs: (stats.cpuUserMs ?? NaN) + (stats.cpuSystemMs ?? NaN),
    fakeCpuMs,
    requests: counters.eventsRequests,
    bytesReceived: counters.bytesReceived,
    fakeMaxInFlight: counters.maxInFlight,
    acceptedByFake: counters.acceptedEvents,
    statesIn: meta.states,
    statesEchoed,
    rejected,
    warnings,
    trace,
    ok: false,
  };
  run.ok = exitCode === 0 && statesEchoed === meta.states && run.acceptedByFake + rejected === meta.records;
  return run;
}

// ---- the floor ----------------------------------------------------------------------------------------------
const floorJs = compileFloor(join(OUT, 'floor.mjs'));

interface FloorRun {
  label: string;
  floor: FloorMode;
  /** UTF-8 bytes of all request bodies. */
  bytesOut: number;
  records: number;
  wallMs: number;
  innerMs: number;
  cpuMs: number;
  recordsPerSec: number;
  peakRssMb: number;
}

/**
 * One run of bench/floor.ts (`mode`) on `input`, with the connector's node binary, flags and malloc settings; the
 * `sent` floor POSTs its bodies to `fake` with the sample config's ad account and token.
 */
async function runFloor(label: string, input: string, records: number, mode: FloorMode = 'fair', fake?: Fake): Promise<FloorRun> {
  const nodeArgs = [...SHIPPED_NODE_FLAGS];
  if (args.profile) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', join(OUT, 'prof', 'floor'));
  const floorArgs = ['--dist', join(ROOT, 'dist'), '--floor', mode];
  if (mode === 'sent') {
    if (!fake) throw new Error('the sent floor needs the fake');
    await resetFake(fake);
    const credentials = sampleConfig.credentials as { access_token: string };
    floorArgs.push('--url', fake.url, '--token', credentials.access_token, '--ad-account', String(sampleConfig.ad_account_id));
  }
  const t0 = performance.now();
  const child = spawn(NODE, [...nodeArgs, floorJs, ...floorArgs], {
    cwd: ROOT,
    env: { ...process.env, ...SHIPPED_MALLOC_ENV },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  createReadStream(input, { highWaterMark: 1 << 20 }).pipe(child.stdin!);
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((r) => child.once('close', r));
  const wallMs = performance.now() - t0;
  children.delete(child);
  if (code !== 0) throw new Error(`floor exited with ${code}`);
  const r = JSON.parse(out.trim()) as { records: number; bytesOut: number; ms: number; maxRssKb: number; cpuMs: number };
  if (r.records !== records) throw new Error(`floor read ${r.records} records, expected ${records}`);
  return { label, floor: mode, bytesOut: r.bytesOut, records, wallMs, innerMs: r.ms, cpuMs: r.cpuMs, recordsPerSec: records / (wallMs / 1000), peakRssMb: r.maxRssKb / 1024 };
}

/**
 * Best of `args.repeat` rounds for each of several runs, interleaved (round 1 of every run, then round 2, ...): this
 * shared machine's speed drifts over minutes, and the ratio of two runs measured minutes apart would partly measure
 * the drift. The run with the highest records/s is kept, with its cpuMs replaced by the lowest of all its rounds
 * (wall clock and CPU time are each the best of their rounds).
 */
async function bestInterleaved<T extends { label: string; recordsPerSec: number; cpuMs: number }>(fs: (() => Promise<T>)[]): Promise<T[]> {
  const b: (T | undefined)[] = fs.map(() => undefined);
  const cpu: number[] = fs.map(() => Infinity);
  for (let i = 0; i < args.repeat; i++) {
    for (let k = 0; k < fs.length; k++) {
      const r = await fs[k]();
      progress(`round ${i + 1}/${args.repeat}: ${r.label}: ${Math.round(r.recordsPerSec)} records/s, ${(r.cpuMs / 1000).toFixed(2)} cpu s`);
      if (Number.isFinite(r.cpuMs)) cpu[k] = Math.min(cpu[k], r.cpuMs);
      if (!b[k] || r.recordsPerSec > b[k]!.recordsPerSec) b[k] = r;
    }
  }
  return b.map((r, k) => ({ ...r!, cpuMs: Number.isFinite(cpu[k]) ? cpu[k] : r!.cpuMs }));
}

// ---- main ---------------------------------------------------------------------------------------------------
const machine = {
  nproc: cpus().length,
  cpuModel: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model,
  /** Node of the connector and the floors. */
  node: NODE_VERSION,
  nodePath: NODE,
  /** Node of this script and the fake. */
  harnessNode: process.version,
  memTotalGb: Math.round((Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) / 1024 / 1024) * 10) / 10,
};
const fmt = (n: number, d = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
const log = (s: string): void => void process.stderr.write(s + '\n');

const N = args.records;
const results: Record<string, unknown> = { machine, args, connectorNodeFlags: SHIPPED_NODE_FLAGS, connectorMallocEnv: SHIPPED_MALLOC_ENV, startedAt: new Date().toISOString(), loadAverageAtStart: loadavg() };
const rows: string[][] = [];
const header = ['run', 'records', 'records/s', 'wall s', 'cpu s', 'requests', 'peak RSS MB', 'fake cpu s', '× floor wall', '× floor cpu', 'note', 'check'];

/** Connector/floor throughput ratios: by wall clock (records/s) and by CPU time (floor CPU s per record ÷ connector's). */
function ratios(r: ConnectorRun | FloorRun, floor: FloorRun): { wall: number; cpu: number } {
  return { wall: r.recordsPerSec / floor.recordsPerSec, cpu: floor.cpuMs / floor.records / (r.cpuMs / r.records) };
}
function connectorRow(r: ConnectorRun, note = '', floor?: FloorRun): string[] {
  const q = floor ? ratios(r, floor) : undefined;
  return [
    r.label, fmt(r.records), fmt(r.recordsPerSec), fmt(r.wallMs / 1000, 2), fmt(r.cpuMs / 1000, 2), fmt(r.requests), fmt(r.peakRssMb, 1),
    fmt(r.fakeCpuMs / 1000, 1), q ? fmt(q.wall, 2) : '', q ? fmt(q.cpu, 2) : '', note, r.ok ? 'ok' : 'FAIL',
  ];
}
function floorRow(f: FloorRun, note: string, check = 'ok'): string[] {
  return [f.label, fmt(f.records), fmt(f.recordsPerSec), fmt(f.wallMs / 1000, 2), fmt(f.cpuMs / 1000, 2), '', fmt(f.peakRssMb, 1), '', '', '', note, check];
}
const FLOOR_LABEL: Record<FloorMode, string> = {
  fair: 'fair floor (no HTTP)',
  sent: 'floor: sent (fair + HTTP, diagnostic)',
  minimal: 'floor: minimal (diagnostic)',
  identifiers: 'floor: identifiers (diagnostic)',
};
const FLOOR_NOTE: Record<FloorMode, string> = {
  fair: 'the yardstick',
  sent: 'bodies POSTed to the fake',
  minimal: 'email + phone only',
  identifiers: 'identifiers only',
};

log(`machine: ${machine.nproc} × ${machine.cpuModel}; N = ${fmt(N)}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
log(`connector and floors: node ${NODE_VERSION} (${NODE}), node flags and malloc settings from the Dockerfile: ${SHIPPED_SETTINGS}; fake: node ${process.version}`);
const input = join(tmp, `input-${N}.jsonl`);
const meta = await generateInput(input, { records: N });
log(`generated ${fmt(N)} records + ${meta.states} states (${fmt(meta.bytes / 1e6, 1)} MB) in ${tmp}`);

const fake0 = await startFake(0);
const fakesLat: Fake[] = [];
try {
  if (args.latency) for (const ms of args.latencyMs) fakesLat.push(await startFake(ms));
  const diagnostics = args.floors;
  const runs = (await bestInterleaved<FloorRun | ConnectorRun>([
    () => runFloor(FLOOR_LABEL.fair, input, N, 'fair'),
    () => runConnector('connector, 0 ms', input, meta, fake0, args.concurrency),
    ...diagnostics.map((m) => () => runFloor(FLOOR_LABEL[m], input, N, m, fake0)),
    ...fakesLat.map((f, k) => () => runConnector(`connector, ${args.latencyMs[k]} ms`, input, meta, f, args.concurrency)),
  ])) as (FloorRun | ConnectorRun)[];
  const floor = runs[0] as FloorRun;
  const base = runs[1] as ConnectorRun;
  const diagnosticRuns = runs.slice(2, 2 + diagnostics.length) as FloorRun[];
  const lats = runs.slice(2 + diagnostics.length) as ConnectorRun[];
  // The fair floor's request bodies are the connector's: same total bytes (nothing is retried at 0 ms).
  const sameBytes = floor.bytesOut === base.bytesReceived;
  rows.push(floorRow(floor, FLOOR_NOTE.fair, sameBytes ? 'ok' : 'FAIL'));
  const q = ratios(base, floor);
  rows.push(connectorRow(base, sameBytes ? `same request bytes as the floor` : `request bytes ${fmt(base.bytesReceived)} ≠ floor's ${fmt(floor.bytesOut)}`, floor));
  results.floor = floor;
  results.connector = base;
  results.ratioConnectorToFloor = q.wall;
  results.ratioConnectorToFloorByCpu = q.cpu;
  results.requestBytesMatchFloor = sameBytes;
  results.diagnosticFloors = {};
  for (const d of diagnosticRuns) {
    const dq = ratios(base, d);
    rows.push(floorRow(d, `${FLOOR_NOTE[d.floor]}; connector ${fmt(dq.wall, 2)} × / cpu ${fmt(dq.cpu, 2)} ×`));
    (results.diagnosticFloors as Record<string, unknown>)[d.floor] = { ...d, ratioConnectorToThis: dq.wall, ratioConnectorToThisByCpu: dq.cpu };
  }

  results.latency = [];
  for (const lat of lats) {
    const latRatio = lat.recordsPerSec / base.recordsPerSec;
    rows.push(connectorRow(lat, `${fmt(latRatio, 2)} × 0 ms; ${fmt(lat.fakeMaxInFlight)} in flight at most`, floor));
    (results.latency as unknown[]).push({ ...lat, ratioToZeroLatency: latRatio });
  }
  while (fakesLat.length > 0) await stopFake(fakesLat.pop()!);

  if (args.ceilingRps > 0) {
    const fakeCeiling = await startFake(100, args.ceilingRps);
    try {
      const r = await runConnector(`429 ceiling ${args.ceilingRps}/s, 100 ms`, input, meta, fakeCeiling, args.concurrency);
      progress(`${r.label}: ${Math.round(r.recordsPerSec)} records/s, ${(r.cpuMs / 1000).toFixed(2)} cpu s, peak RSS ${r.peakRssMb.toFixed(1)} MB`);
      const counters = await fakeCounters(fakeCeiling);
      const refused = Number(counters.byStatus?.['429'] ?? 0);
      const acceptedRps = (r.requests - refused) / (r.wallMs / 1000);
      rows.push(connectorRow(r, `${fmt(acceptedRps / args.ceilingRps, 2)} × ceiling; ${fmt(refused)} × 429 of ${fmt(r.requests)}`));
      results.ceiling = { ...r, ceilingRps: args.ceilingRps, refused, acceptedRequestsPerSec: acceptedRps };
    } finally {
      await stopFake(fakeCeiling);
    }
  }

  if (args.bigint) {
    // lossless-JSON slow path: 10% of lines carry a 19-digit integer
    const bigInput = join(tmp, `input-${N}-bigint.jsonl`);
    const bigMeta = await generateInput(bigInput, { records: N, bigIntFraction: 0.1 });
    // The plain input again, in the same rounds, so that "× plain" compares runs made under the same conditions.
    const [floorBig, conBig, conPlain] = (await bestInterleaved<FloorRun | ConnectorRun>([
      () => runFloor('fair floor, 10% 19-digit ints', bigInput, N),
      () => runConnector('connector, 10% 19-digit ints', bigInput, bigMeta, fake0, args.concurrency),
      () => runConnector('connector, 0 ms (again)', input, meta, fake0, args.concurrency),
    ])) as [FloorRun, ConnectorRun, ConnectorRun];
    rows.push(floorRow(floorBig, 'big integers inexact'));
    rows.push(connectorRow(conBig, `${fmt(conBig.recordsPerSec / conPlain.recordsPerSec, 2)} × plain by wall, ${fmt(conPlain.cpuMs / conBig.cpuMs, 2)} × by cpu`, floorBig));
    rows.push(connectorRow(conPlain, 'plain input, same rounds', floor));
    results.bigint = { floor: floorBig, connector: conBig, plain: conPlain, costVsPlain: 1 - conBig.recordsPerSec / conPlain.recordsPerSec };
    rmSync(bigInput, { force: true });
  }

  if (args.tls) {
    const certificate = selfSignedCertificate(tmp);
    if (certificate === undefined) {
      progress('HTTPS run skipped: openssl is needed to make the test certificate');
      results.tls = { skipped: 'openssl not found' };
    } else {
      const fakeTls = await startFake(0, 0, certificate);
      try {
        // The plain run again, in the same rounds, so that "× plain" compares runs made under the same conditions.
        const [conTls, conPlain] = (await bestInterleaved<ConnectorRun>([
          () => runConnector('connector, 0 ms, HTTPS', input, meta, fakeTls, args.concurrency),
          () => runConnector('connector, 0 ms (plain, same rounds)', input, meta, fake0, args.concurrency),
        ])) as [ConnectorRun, ConnectorRun];
        rows.push(connectorRow(conTls, `${fmt(conTls.recordsPerSec / conPlain.recordsPerSec, 2)} × plain by wall, ${fmt(conPlain.cpuMs / conTls.cpuMs, 2)} × by cpu`, floor));
        rows.push(connectorRow(conPlain, 'plain HTTP, same rounds', floor));
        results.tls = { https: conTls, plain: conPlain, cpuCostVsPlain: conTls.cpuMs / conPlain.cpuMs - 1 };
      } finally {
        await stopFake(fakeTls);
      }
    }
  }

  if (args.big) {
    const bigRecords = join(tmp, 'big-records.jsonl');
    const bm = await generateBigInput(bigRecords);
    const r = await runConnector('big records', bigRecords, bm, fake0);
      progress(`${r.label}: ${Math.round(r.recordsPerSec)} records/s, ${(r.cpuMs / 1000).toFixed(2)} cpu s, peak RSS ${r.peakRssMb.toFixed(1)} MB`);
    // the 5 MB email is dropped, so that record has no identifier and is rejected (expected)
    r.ok = r.exitCode === 0 && r.statesEchoed === bm.states && r.acceptedByFake + r.rejected === bm.records;
    rows.push(connectorRow(r, `${fmt(r.rejected)} rejected`));
    results.bigRecords = { ...r, inputBytes: statSync(bigRecords).size };
  }

  if (args.memory) {
    const mem: ConnectorRun[] = [];
    for (const n of [100_000, 1_000_000]) {
      const p = join(tmp, `input-mem-${n}.jsonl`);
      const m = n === N ? meta : await generateInput(p, { records: n });
      const r = await runConnector(`memory, N=${fmt(n)}`, n === N ? input : p, m, fake0, args.concurrency);
      progress(`${r.label}: ${Math.round(r.recordsPerSec)} records/s, ${(r.cpuMs / 1000).toFixed(2)} cpu s, peak RSS ${r.peakRssMb.toFixed(1)} MB`);
      mem.push(r);
      rows.push(connectorRow(r, 'single run'));
      if (n !== N) rmSync(p, { force: true });
    }
    const growth = mem[1].peakRssMb / mem[0].peakRssMb - 1;
    results.memory = { runs: mem, rssGrowth: growth };
    rows.push(['RSS growth 100k → 1M', '', '', '', '', '', `${fmt(growth * 100, 1)}%`, '', '', '', 'must stay < 20%', growth < 0.2 ? 'ok' : 'FAIL']);
  }
} finally {
  for (const f of fakesLat) await stopFake(f);
  await stopFake(fake0);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (r: string[]): string =>
  r.map((c, i) => (i === 0 || i === header.length - 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
console.log(`node ${NODE_VERSION} (connector and floors; ${SHIPPED_SETTINGS}) on ${machine.nproc} × ${machine.cpuModel}; best of ${args.repeat} interleaved round(s)`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(
  [
    'fair floor: the connector\'s unavoidable work (every identifier normalized and hashed, event_id, the same request bodies, answers parsed),',
    '  without HTTP, the configurable mapper, the schema check, the pipeline or states. Diagnostic floors: sent (the fair floor',
    '  POSTing its bodies to the fake, 8 in flight), minimal (email and phone only, the floor before issue 16), identifiers',
    '  (every identifier, but no event_id, request bytes or answers).',
    '× floor wall: records/s ÷ the fair floor\'s; × floor cpu: the fair floor\'s CPU s per record ÷ the run\'s (each process\'s own',
    '  user + system CPU; the fake\'s is apart). records/s and cpu s are each the best of the interleaved rounds.',
  ].join('\n'),
);
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other processes share the ${machine.nproc} cores: compare cpu s as well as wall s); the bench took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
const big = results.bigRecords as ConnectorRun | undefined;
if (big) console.log(`big records: ${big.warnings.filter((w) => /longer than|rejected/.test(w)).join(' | ') || '(no warnings)'}`);
// Also under the Node version, so that runs on two Nodes (e.g. the machine's and --image-node) both stay.
const perNode = `last-node-${NODE_VERSION}.json`;
for (const f of ['last.json', perNode]) writeFileSync(join(OUT, f), JSON.stringify(results, null, 2) + '\n');
console.log(`results: bench/out/last.json and bench/out/${perNode}`);
