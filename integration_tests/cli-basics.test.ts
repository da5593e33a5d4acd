/**
 * The real CLI (`node dist/main.js`, build first) for spec, discover, a normal write and bad configurations.
 *
 * Speed: every CLI run of the file starts in `beforeAll`, a few at a time (one per core), and each test awaits the
 * run it inspects. Runs that must be inspected request by request get a fake Pinterest of their own (the fake is
 * in-process and starts in milliseconds); spec and discover get none, so any network call they made would fail.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESTINATION_FIELDS } from '../src/fields/catalog.js';
import { FAKE_DEFAULTS, startFakePinterest, type FakePinterest } from './fake-pinterest/server.js';
import { invalidMessages } from './helpers/airbyte-protocol.js';
import { concurrencyLimit, handled } from './helpers/concurrency.js';
import {
  FIXTURE_PATHS,
  FIXTURE_SUMMARY,
  expectedStateStats,
  fakeEnv,
  messagesStdin,
  sampleConfig,
} from './helpers/fixtures.js';
import { REPO_ROOT, runCli, spawnCli, writeTempJson, type CliResult } from './helpers/run-cli.js';

const SPEC_JSON = JSON.parse(readFileSync(`${REPO_ROOT}spec.json`, 'utf8')) as Record<string, any>;
const EVENTS_SCHEMA = JSON.parse(readFileSync(`${REPO_ROOT}src/pinterest/conversion-events.schema.json`, 'utf8')) as object;

/** invalid_config.json's problems, as `check` and `write` must word them (one per path). */
const INVALID_CONFIG_MESSAGE =
  'Invalid configuration:\n' +
  '- ad_account_id: must be the numeric ad account ID (digits only, at most 18), e.g. 549755885175 — not the account name or an "act_" id\n' +
  '- credentials.access_token: is required\n' +
  '- max_concurrent_requests: must be <= 16';

const FAST_RETRIES = { PINTEREST_RETRY_TIME_SCALE: '0.001' };
const WRITE_ARGS = ['write', '--config', FIXTURE_PATHS.sampleConfig, '--catalog', FIXTURE_PATHS.catalog];
const BAD_TOKEN = 'pina-revoked-token-7c1f0e2d9b';

/** One fake per run that is inspected request by request. */
const fakes: Record<'write1' | 'write2' | 'badToken' | 'invalid', FakePinterest> = {} as never;
/** The CLI runs of this file, started in beforeAll. */
const runs: Record<string, Promise<CliResult>> = {};
/** The stdin both normal writes get (rebased once, so both runs see byte-identical input). */
let stdin: string;
let inputLines: string[];

beforeAll(async () => {
  for (const k of ['write1', 'write2', 'badToken', 'invalid'] as const) fakes[k] = await startFakePinterest();
  stdin = messagesStdin({ nowMs: Date.now() });
  inputLines = stdin.split('\n').filter((l) => l !== '');
  const limit = concurrencyLimit();
  const run = (name: string, task: () => Promise<CliResult>) => {
    runs[name] = handled(limit(task));
  };
  run('write1', () => runCli(WRITE_ARGS, { env: { ...fakeEnv(fakes.write1), ...FAST_RETRIES }, stdin }));
  run('write2', () => runCli(WRITE_ARGS, { env: { ...fakeEnv(fakes.write2), ...FAST_RETRIES }, stdin }));
  run('badToken', () => {
    const config = writeTempJson(sampleConfig({ credentials: { auth_type: 'access_token', access_token: BAD_TOKEN } }), 'bad-token');
    return runCli(['write', '--config', config, '--catalog', FIXTURE_PATHS.catalog], {
      env: { ...fakeEnv(fakes.badToken), ...FAST_RETRIES },
      stdin: messagesStdin({ nowMs: Date.now() }),
    });
  });
  run('spec', () => runCli(['spec']));
  run('discover', () => runCli(['discover', '--config', FIXTURE_PATHS.sampleConfig]));
  run('discoverInvalid', () => runCli(['discover', '--config', FIXTURE_PATHS.invalidConfig]));
  run('checkInvalid', () => runCli(['check', '--config', FIXTURE_PATHS.invalidConfig], { env: fakeEnv(fakes.invalid) }));
  run('writeInvalid', async () => {
    const child = spawnCli(['write', '--config', FIXTURE_PATHS.invalidConfig, '--catalog', FIXTURE_PATHS.catalog], {
      env: fakeEnv(fakes.invalid),
      timeoutMs: 25_000,
    });
    // Records are offered but stdin is never closed: the CLI must give up on the config alone.
    await child.write(stdin).catch(() => undefined);
    return child.exited;
  });
});

afterAll(async () => {
  await Promise.allSettled(Object.values(runs));
  await Promise.all(Object.values(fakes).map((f) => f?.close()));
});

/** The messages other than LOG, in order. */
function nonLog(r: CliResult): any[] {
  return r.messages.filter((m) => m.type !== 'LOG');
}

/** Every non-empty stdout line, as printed. */
function stdoutLines(r: CliResult): string[] {
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

describe('spec', () => {
  let r: CliResult;
  beforeAll(async () => {
    r = await runs.spec;
  });

  it('prints exactly one valid SPEC message, nothing on stderr, exits 0', () => {
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.messages.map((m) => m.type)).toEqual(['SPEC']);
    expect(invalidMessages(r.messages)).toEqual([]);
    expect(r.messages[0].spec).toEqual(SPEC_JSON);
  });

  it('is a draft-07 append-only destination spec', () => {
    const spec = r.messages[0].spec;
    expect(spec.connectionSpecification.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(spec.supported_destination_sync_modes).toEqual(['append']);
    expect(spec.documentationUrl).toMatch(/^https:\/\//);
    expect(spec.protocol_version).toMatch(/^0\.\d+\.\d+$/);
  });

  it('marks every secret airbyte_secret: true, and nothing else', () => {
    const credentials = r.messages[0].spec.connectionSpecification.properties.credentials;
    const secretNames = ['access_token', 'client_secret', 'refresh_token', 'client_id', 'access_key_id', 'secret_access_key'];
    const found: string[] = [];
    const marked: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
          const p = `${path}.${k}`;
          if (k === 'properties' && v && typeof v === 'object') {
            for (const [name, prop] of Object.entries(v as Record<string, any>)) {
              if (secretNames.includes(name)) {
                found.push(`${p}.${name}`);
                expect(prop.airbyte_secret, `${p}.${name}`).toBe(true);
              }
              if (prop?.airbyte_secret === true) marked.push(`${p}.${name}`);
            }
          }
          walk(v, p);
        }
      }
    };
    walk(r.messages[0].spec.connectionSpecification, 'connectionSpecification');
    expect(found).toEqual([
      'connectionSpecification.properties.credentials.oneOf[0].properties.access_token',
      'connectionSpecification.properties.credentials.oneOf[1].properties.client_id',
      'connectionSpecification.properties.credentials.oneOf[1].properties.client_secret',
      'connectionSpecification.properties.credentials.oneOf[1].properties.refresh_token',
      'connectionSpecification.properties.credentials.oneOf[1].properties.access_token',
      'connectionSpecification.properties.object_storage_config.oneOf[1].properties.access_key_id',
      'connectionSpecification.properties.object_storage_config.oneOf[1].properties.secret_access_key',
    ]);
    expect(marked).toEqual(found);
    expect(credentials.oneOf.map((b: any) => b.properties.auth_type.const)).toEqual(['access_token', 'oauth2.0']);
  });

  it('gives every top-level property a title, a description and a unique order', () => {
    const props = r.messages[0].spec.connectionSpecification.properties as Record<string, any>;
    const orders: number[] = [];
    for (const [name, p] of Object.entries(props)) {
      expect(typeof p.title === 'string' && p.title.trim().length > 0, `${name}.title`).toBe(true);
      expect(typeof p.description === 'string' && p.description.trim().length > 0, `${name}.description`).toBe(true);
      expect(Number.isInteger(p.order), `${name}.order`).toBe(true);
      orders.push(p.order);
    }
    expect(new Set(orders).size).toBe(orders.length);
    expect(Object.keys(props).length).toBeGreaterThanOrEqual(2);
    expect(r.messages[0].spec.connectionSpecification.required).toEqual(['ad_account_id', 'credentials']);
  });

  it('advanced_auth points at the OAuth branch and at config paths that exist in it', () => {
    const spec = r.messages[0].spec;
    const aa = spec.advanced_auth;
    expect(aa.auth_flow_type).toBe('oauth2.0');
    expect(aa.predicate_key).toEqual(['credentials', 'auth_type']);
    expect(aa.predicate_value).toBe('oauth2.0');
    // The predicate selects exactly one credentials branch: the OAuth one.
    const branches = spec.connectionSpecification.properties.credentials.oneOf as any[];
    const oauthBranches = branches.filter((b) => b.properties.auth_type.const === aa.predicate_value);
    expect(oauthBranches).toHaveLength(1);
    const oauthProps = Object.keys(oauthBranches[0].properties);

    const paths = (section: any): Record<string, string[]> =>
      Object.fromEntries(Object.entries(section.properties as Record<string, any>).map(([k, v]) => [k, v.path_in_connector_config]));
    const spec2 = aa.oauth_config_specification;
    expect(paths(spec2.complete_oauth_output_specification)).toEqual({
      access_token: ['credentials', 'access_token'],
      refresh_token: ['credentials', 'refresh_token'],
    });
    expect(paths(spec2.complete_oauth_server_output_specification)).toEqual({
      client_id: ['credentials', 'client_id'],
      client_secret: ['credentials', 'client_secret'],
    });
    for (const p of [...Object.values(paths(spec2.complete_oauth_output_specification)), ...Object.values(paths(spec2.complete_oauth_server_output_specification))]) {
      expect(p[0]).toBe('credentials');
      expect(oauthProps).toContain(p[1]);
    }
    expect(Object.keys(spec2.complete_oauth_server_input_specification.properties)).toEqual(['client_id', 'client_secret']);
    const connector = spec2.oauth_connector_input_specification;
    expect(connector.access_token_url).toBe('https://api.pinterest.com/v5/oauth/token');
    expect(connector.consent_url).toMatch(/^https:\/\/www\.pinterest\.com\/oauth\/\?/);
    expect(connector.consent_url).toContain('scope=ads:read,ads:write');
    expect(connector.extract_output).toEqual(['access_token', 'refresh_token']);
  });
});

describe('discover', () => {
  it('prints one DESTINATION_CATALOG whose schema lists every destination field with a type and description', async () => {
    const r = await runs.discover;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.messages.map((m) => m.type)).toEqual(['DESTINATION_CATALOG']);
    expect(invalidMessages(r.messages)).toEqual([]);
    const ops = r.messages[0].destination_catalog.operations as any[];
    expect(ops).toHaveLength(1);
    expect({ object_name: ops[0].object_name, sync_mode: ops[0].sync_mode }).toEqual({ object_name: 'conversion_events', sync_mode: 'append' });
    const schema = ops[0].json_schema;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(DESTINATION_FIELDS.map((f) => f.name));
    for (const field of DESTINATION_FIELDS) {
      const prop = schema.properties[field.name];
      expect(prop.type, field.name).toEqual([...field.type]);
      expect(prop.type.length, field.name).toBeGreaterThan(0);
      expect(typeof prop.description, field.name).toBe('string');
      expect(prop.description.startsWith(field.description), field.name).toBe(true);
    }
    expect(() => new Ajv({ strict: false }).compile(schema)).not.toThrow();
  });

  it('refuses an invalid config with one config_error TRACE', async () => {
    const r = await runs.discoverInvalid;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0].type).toBe('TRACE');
    expect(r.messages[0].trace.error.failure_type).toBe('config_error');
    expect(r.messages[0].trace.error.message).toBe(INVALID_CONFIG_MESSAGE);
  });
});

describe('write with messages.jsonl and sample_config.json', () => {
  let run1: CliResult;
  let accepted1: FakePinterest['accepted'];
  let requests1: FakePinterest['requests'];

  beforeAll(async () => {
    run1 = await runs.write1;
    accepted1 = fakes.write1.accepted;
    requests1 = fakes.write1.requests;
  });

  it('exits 0 with an empty stderr and only valid Airbyte messages on stdout', () => {
    expect(run1.code).toBe(0);
    expect(run1.stderr).toBe('');
    expect(invalidMessages(run1.messages)).toEqual([]);
    expect(run1.messages.filter((m) => m.type === 'TRACE')).toEqual([]);
    expect(new Set(run1.messages.map((m) => m.type))).toEqual(new Set(['LOG', 'STATE']));
  });

  it('echoes every STATE once, in input order, with the expected destinationStats', () => {
    const states = run1.messages.filter((m) => m.type === 'STATE').map((m) => m.state);
    const expected = expectedStateStats();
    expect(expected).toHaveLength(FIXTURE_SUMMARY.totalStates);
    expect(states.map((s) => s.id)).toEqual(expected.map((e) => e.id));
    expect(states.map((s) => ({ id: s.id, ...s.destinationStats }))).toEqual(
      expected.map((e) => ({ id: e.id, recordCount: e.recordCount, rejectedRecordCount: e.rejectedRecordCount })),
    );
    // recordCount + rejectedRecordCount = the records the source reported for that state.
    for (const s of states) expect(s.destinationStats.recordCount + s.destinationStats.rejectedRecordCount).toBe(s.sourceStats.recordCount);
  });

  it('echoes each state byte for byte: the input state (id and sourceStats kept) plus destinationStats', () => {
    const inputStates = inputLines.filter((l) => JSON.parse(l).type === 'STATE');
    const echoed = stdoutLines(run1).filter((l) => JSON.parse(l).type === 'STATE');
    const expected = expectedStateStats();
    expect(echoed).toHaveLength(inputStates.length);
    inputStates.forEach((line, i) => {
      expect(line.endsWith('}}')).toBe(true);
      const e = expected[i];
      expect(echoed[i]).toBe(`${line.slice(0, -2)},"destinationStats":{"recordCount":${e.recordCount},"rejectedRecordCount":${e.rejectedRecordCount}}}}`);
    });
  });

  it('sends only valid request bodies (Pinterest answered 200/422, never 400) and each event once', () => {
    expect(requests1.length).toBeGreaterThan(0);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(EVENTS_SCHEMA);
    let eventsSent = 0;
    for (const req of requests1) {
      expect(`${req.method} ${req.path}`).toBe(`POST /v5/ad_accounts/${FAKE_DEFAULTS.adAccountId}/events`);
      expect(req.query).toEqual({});
      expect([200, 422]).toContain(req.status);
      expect(validate(req.body), JSON.stringify(validate.errors)).toBe(true);
      eventsSent += (req.body as { data: unknown[] }).data.length;
    }
    expect(eventsSent).toBe(FIXTURE_SUMMARY.expectedAccepted);
  });

  it('gets exactly the expected number of events accepted, with unique event_ids', () => {
    expect(accepted1).toHaveLength(FIXTURE_SUMMARY.expectedAccepted);
    const ids = accepted1.map((a) => a.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('hashes a known email: SHA-256 of the trimmed, lowercased address is in user_data.em', () => {
    // Record SO-104017 has customer.email "Grace.williams+shop@Example.com": lowercased, "+shop" kept (NOTES §3).
    const expected = createHash('sha256').update('grace.williams+shop@example.com', 'utf8').digest('hex');
    const ev = accepted1.find((a) => (a.event.custom_data as Record<string, unknown> | undefined)?.order_id === 'SO-104017');
    expect(ev).toBeDefined();
    expect((ev!.event.user_data as Record<string, unknown>).em).toEqual([expected]);
    expect(accepted1.filter((a) => ((a.event.user_data as Record<string, string[]>).em ?? []).includes(expected)).length).toBeGreaterThanOrEqual(1);
  });

  it('prints no raw personal data and no token on stdout or stderr', () => {
    const emails = new Set<string>();
    const phones = new Set<string>();
    const names = new Set<string>();
    const ips = new Set<string>();
    for (const line of inputLines) {
      const m = JSON.parse(line);
      if (m.type !== 'RECORD') continue;
      const d = m.record.data;
      const c = d.customer ?? {};
      const add = (set: Set<string>, v: unknown) => {
        if (typeof v === 'string' && v.trim() !== '') set.add(v.trim());
      };
      add(emails, c.email);
      add(emails, d.email);
      add(phones, c.phone);
      add(names, c.first_name);
      add(names, c.last_name);
      add(ips, d.ip);
    }
    // The fixture really carries PII of each kind (so this test can fail).
    expect(emails.size).toBeGreaterThan(20);
    expect(phones.size).toBeGreaterThan(20);
    expect(names.size).toBeGreaterThan(20);
    expect(ips.size).toBeGreaterThan(20);
    expect(run1.stdout.length).toBeGreaterThan(0);
    for (const text of [run1.stdout, run1.stderr]) {
      const lower = text.toLowerCase();
      for (const e of emails) expect(lower.includes(e.toLowerCase()), `email ${e}`).toBe(false);
      for (const p of phones) {
        expect(text.includes(p), `phone ${p}`).toBe(false);
        const digits = p.replace(/\D/g, '');
        if (digits.length >= 7) expect(text.includes(digits), `phone digits ${digits}`).toBe(false);
      }
      for (const n of names) {
        const re = new RegExp(`(^|[^\\p{L}])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'iu');
        expect(re.test(text), `name ${n}`).toBe(false);
      }
      for (const ip of ips) expect(text.includes(ip), `ip ${ip}`).toBe(false);
      expect(text.includes(FAKE_DEFAULTS.conversionToken)).toBe(false);
    }
  });

  it('produces the same event_ids when the same input is written again (determinism)', async () => {
    const run2 = await runs.write2;
    const fake = fakes.write2;
    expect(run2.code).toBe(0);
    expect(run2.stderr).toBe('');
    const ids1 = accepted1.map((a) => a.event_id);
    const ids2 = fake.accepted.map((a) => a.event_id);
    expect(ids2).toHaveLength(FIXTURE_SUMMARY.expectedAccepted);
    expect([...ids2].sort()).toEqual([...ids1].sort());
    // Whole events are identical too (same hashes, same times), event by event.
    const byId = new Map(accepted1.map((a) => [a.event_id, a.event]));
    for (const a of fake.accepted) expect(a.event).toEqual(byId.get(a.event_id));
    expect(run2.messages.filter((m) => m.type === 'STATE').map((m) => m.state)).toEqual(run1.messages.filter((m) => m.type === 'STATE').map((m) => m.state));
  });
});

describe('a bad config (invalid_config.json)', () => {
  it('check prints CONNECTION_STATUS FAILED naming each problem path and exits 0', async () => {
    const r = await runs.checkInvalid;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(invalidMessages(r.messages)).toEqual([]);
    // LOG lines (e.g. network setup notes) may come first; the one result is the status.
    expect(nonLog(r)).toEqual([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: INVALID_CONFIG_MESSAGE } }]);
    expect(fakes.invalid.requests).toHaveLength(0);
  });

  it('write prints one config_error TRACE and exits non-zero without waiting for stdin', async () => {
    const r = await runs.writeInvalid;
    expect(r.signal).toBeNull();
    expect(r.code).not.toBe(0);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(invalidMessages(r.messages)).toEqual([]);
    expect(nonLog(r)).toHaveLength(1);
    // Nothing about records: the input was never read.
    expect(r.messages.filter((m) => m.type === 'LOG' && /record|Progress|state/i.test(m.log.message))).toEqual([]);
    const t = nonLog(r)[0];
    expect(t.type).toBe('TRACE');
    expect(t.trace.type).toBe('ERROR');
    expect(t.trace.error.failure_type).toBe('config_error');
    expect(t.trace.error.message).toBe(INVALID_CONFIG_MESSAGE);
    expect(fakes.invalid.requests).toHaveLength(0);
  });
});

describe('a bad token on write', () => {
  it('ends with one config_error TRACE telling the user to regenerate the conversion token, echoes no state, never prints the token', async () => {
    const r = await runs.badToken;
    const fake = fakes.badToken;
    const badToken = BAD_TOKEN;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(invalidMessages(r.messages)).toEqual([]);
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
    const traces = r.messages.filter((m) => m.type === 'TRACE');
    expect(traces).toHaveLength(1);
    expect(r.messages[r.messages.length - 1]).toBe(traces[0]);
    expect(traces[0].trace.type).toBe('ERROR');
    expect(traces[0].trace.error.failure_type).toBe('config_error');
    // One request, refused with 401; the token is not retried.
    expect(fake.requests.map((q) => q.status)).toEqual([401]);
    expect(traces[0].trace.error.message).toBe(
      `Pinterest rejected the access token (HTTP 401 (code 2: Authentication failed.) [x-pinterest-rid ${fake.requests[0].rid}]). ` +
        'The token is wrong, expired or revoked: generate a new conversion access token in Ads Manager (Conversions → Set up API → Generate new token) for this ad account and paste it into the destination settings.',
    );
    expect(fake.accepted).toHaveLength(0);
    expect(r.stdout.includes(badToken)).toBe(false);
    expect(r.stderr.includes(badToken)).toBe(false);
  });
});
