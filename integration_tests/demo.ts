/**
 * `npm run demo`: the connector's main job end to end, on this machine only.
 *
 * Starts the bundled fake Pinterest API on a free loopback port, then runs the real CLI
 * (`node dist/main.js write --config ... --catalog ...`) exactly as Airbyte would, with integration_tests/sample_config.json,
 * configured_catalog.json and messages.jsonl (its times shifted so the newest is 10 minutes ago: Pinterest refuses
 * future events and old ones). Prints the connector's Airbyte output, then a one-paragraph summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakePinterest } from './fake-pinterest/server.js';
import { configuredCatalog, fakeEnv, messagesStdin, sampleConfig } from './helpers/fixtures.js';
import { runCli, writeTempJson } from './helpers/run-cli.js';

const fake = await startFakePinterest();
try {
  const configPath = writeTempJson(sampleConfig(), 'config.json');
  const catalogPath = writeTempJson(configuredCatalog(), 'catalog.json');
  const stdin = messagesStdin({ nowMs: Date.now() });
  const recordsIn = stdin.split('\n').filter((l) => l.includes('"type":"RECORD"')).length;
  // The rebased input is kept in .tmp/ (ignored by git), so it can be fed to the connector again, against a fake
  // started by hand (README, "Try your own config against the fake API"), until its oldest rows pass 7 days.
  const messagesPath = join('.tmp', 'demo-messages.jsonl');
  mkdirSync(dirname(messagesPath), { recursive: true });
  writeFileSync(messagesPath, stdin);

  console.log(`Fake Pinterest API listening at ${fake.url}`);
  console.log(
    `Running: node dist/main.js write --config ${configPath} --catalog ${catalogPath} < ${messagesPath}\n` +
      `(${messagesPath}: integration_tests/messages.jsonl with its times shifted so the newest is 10 minutes ago; its rows span 3 days, so it serves for about 4 days)\n`,
  );
  const result = await runCli(['write', '--config', configPath, '--catalog', catalogPath], { stdin, env: fakeEnv(fake), timeoutMs: 120_000 });

  console.log('--- connector output (Airbyte messages on stdout) ---');
  for (const line of result.stdout.split('\n').filter(Boolean)) console.log(line);
  if (result.stderr) console.log(`--- stderr ---\n${result.stderr}`);

  const states = result.messages.filter((m) => m.type === 'STATE');
  const rejected = states.reduce((n, s) => n + (s.state.destinationStats?.rejectedRecordCount ?? 0), 0);
  const reasons = result.messages
    .filter((m) => m.type === 'LOG' && String(m.log.message).startsWith('Rejected records by reason'))
    .map((m) => String(m.log.message).split('\n').slice(1).map((l) => l.trim()).join('; '));
  const eventRequests = fake.requests.filter((r) => r.path.endsWith('/events'));
  const trace = result.messages.find((m) => m.type === 'TRACE');

  console.log('\n--- summary ---');
  console.log(
    `The connector read ${recordsIn} records in 2 streams and sent ${fake.accepted.length} events to the fake Pinterest API in ` +
      `${eventRequests.length} request(s) (HTTP ${[...new Set(eventRequests.map((r) => r.status))].join(', ')}); ` +
      `${rejected} records were rejected before sending (${reasons.join('') || 'none'}). ` +
      `It echoed ${states.length} STATE messages, each only after every record before it was accepted or rejected, ` +
      `with destinationStats per state. Personal data left the connector only as SHA-256 hashes. ` +
      (trace ? `The run FAILED: ${trace.trace.error.message}` : `Exit code ${result.code}.`),
  );
  process.exitCode = result.code === 0 ? 0 : 1;
} finally {
  await fake.close();
}
