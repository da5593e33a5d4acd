#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { InputError } from './airbyte/input-error.js';
import { AirbyteOutput } from './airbyte/output.js';
import type { FailureType } from './airbyte/protocol.js';
import { ConfigError } from './config/config.js';
import { PinterestError } from './pinterest/errors.js';
import { ObjectStorageError } from './storage/errors.js';
import { describeNetworkEnv, proxySecrets } from './pinterest/http.js';

const USAGE = 'usage: main.js spec | check --config FILE | discover --config FILE | write --config FILE --catalog FILE [--dry-run]';

/** Exit code after a stop signal: 128 + the signal's number (SIGTERM 15 → 143, SIGINT 2 → 130). */
const EXIT_AFTER_SIGNAL: Record<'SIGTERM' | 'SIGINT', number> = { SIGTERM: 143, SIGINT: 130 };

/** Airbyte failure_type of an error that ends the run. */
export function failureTypeOf(err: unknown): FailureType {
  if (err instanceof ConfigError) return 'config_error';
  if (err instanceof PinterestError) return err.failureType;
  if (err instanceof ObjectStorageError) return err.failureType;
  return 'system_error';
}

/** Prints the one TRACE error that ends a failed run. */
function traceError(out: AirbyteOutput, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const type = failureTypeOf(e);
  const internal = type === 'system_error' && !(e instanceof PinterestError) && !(e instanceof InputError);
  const message = internal ? `Internal error in the Pinterest destination: ${e.message}` : e.message;
  out.traceError(type, message, `${e.name}: ${e.message}`, type === 'system_error' ? e.stack : undefined);
}

/** Runs one command; returns the exit code. Never throws. */
async function main(argv: string[], out: AirbyteOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: 'string' }, catalog: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  } catch (err) {
    out.traceError('config_error', `${(err as Error).message}. ${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const { config, catalog } = parsed.values;
  const need = (name: string, v: string | undefined): string => {
    if (!v) throw new ConfigError([`the ${command} command needs --${name} FILE (${USAGE})`]);
    return v;
  };
  if (command === 'check' || command === 'write') {
    const network = describeNetworkEnv();
    if (network) out.log(network.level, network.message);
  }
  try {
    switch (command) {
      case 'spec':
        return (await import('./commands/spec.js')).runSpec(out);
      case 'check':
        return await (await import('./commands/check.js')).runCheck(out, need('config', config));
      case 'discover':
        return (await import('./commands/discover.js')).runDiscover(out, need('config', config));
      case 'write': {
        // SIGTERM (the platform's cancel) and SIGINT (Ctrl-C, some orchestrators) stop the sync the same way.
        const cancel = new AbortController();
        let stopSignal: 'SIGTERM' | 'SIGINT' | undefined;
        const onSignal = (signal: 'SIGTERM' | 'SIGINT'): void => {
          if (cancel.signal.aborted) return;
          stopSignal = signal;
          out.log('WARN', `Received ${signal}: stopping.`);
          cancel.abort();
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        // stdout closed (EPIPE): no STATE or TRACE can reach the platform any more, so stop reading and sending.
        const onLost = (): void => cancel.abort();
        out.lostSignal.addEventListener('abort', onLost, { once: true });
        try {
          const { runWriteCommand } = await import('./commands/write.js');
          const result = await runWriteCommand(out, {
            configPath: need('config', config),
            catalogPath: need('catalog', catalog),
            dryRun: parsed.values['dry-run'] === true,
            input: process.stdin,
            cancel: cancel.signal,
          });
          if (out.lost) return 1;
          if (result.cancelled) {
            // The platform asked us to stop: not a failure to report, whatever the abandoned requests threw.
            if (result.error) out.log('WARN', `Stopped after ${stopSignal}: ${out.redact(result.error.message)}`);
            return EXIT_AFTER_SIGNAL[stopSignal ?? 'SIGTERM'];
          }
          if (result.error) {
            traceError(out, result.error);
            return 1;
          }
          return 0;
        } finally {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          out.lostSignal.removeEventListener('abort', onLost);
        }
      }
      default:
        throw new ConfigError([`unknown command ${JSON.stringify(command ?? '')}; ${USAGE}`]);
    }
  } catch (err) {
    traceError(out, err);
    return 1;
  }
}

const out = new AirbyteOutput(process.stdout);
// Proxy credentials (HTTPS_PROXY=http://user:pass@host) never appear in LOG or TRACE text.
for (const s of proxySecrets()) out.addSecret(s);
// Node prints process warnings on stderr, which Airbyte logs as errors: route them to LOG messages instead.
process.removeAllListeners('warning');
process.on('warning', (w) => out.log('WARN', `Node.js warning: ${w.name}: ${w.message}`));
process.on('uncaughtException', (err) => {
  traceError(out, err);
  void out.flush().then(() => process.exit(1));
});
process.on('unhandledRejection', (err) => {
  traceError(out, err);
  void out.flush().then(() => process.exit(1));
});

let code = await main(process.argv.slice(2), out);
// Exit only once every line (the last STATE or the TRACE) has been handed to the OS.
await out.flush();
// Nobody read our output to the end (the platform went away): the run cannot count as a success.
if (out.lost && code === 0) code = 1;
process.exitCode = code;
// If a stray handle would keep the process alive, end it; all output is flushed at this point.
setTimeout(() => process.exit(code), 2000).unref();
