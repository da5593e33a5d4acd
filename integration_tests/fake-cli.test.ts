/**
 * The fake Pinterest API's command line (used by the demo and the bench): its HTTPS mode, as the bench's HTTPS run
 * starts it. The fake's TLS server itself is exercised by proxy.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFakeCliArgs } from './fake-pinterest/cli.js';
import { selfSignedCertificate } from './helpers/certificate.js';

const CLI = join(import.meta.dirname, 'fake-pinterest', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'fake-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CERT = selfSignedCertificate(dir);

/** GET over HTTPS trusting `ca` (PEM text) or only the default CAs: status and body, or the error's code. */
function httpsGet(url: string, ca?: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = get(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

describe('fake Pinterest command line', () => {
  it('takes --tls-key and --tls-cert together, and refuses one without the other', () => {
    expect(parseFakeCliArgs(['--tls-key', 'k.pem', '--tls-cert', 'c.pem', '--latency-ms', '5'])).toMatchObject({ tlsKey: 'k.pem', tlsCert: 'c.pem', latencyMs: 5 });
    expect(parseFakeCliArgs([]).tlsKey).toBeUndefined();
    expect(() => parseFakeCliArgs(['--tls-key', 'k.pem'])).toThrow(/go together/);
    expect(() => parseFakeCliArgs(['--tls-cert'])).toThrow(/needs a file/);
  });

  it.skipIf(CERT === undefined)('serves HTTPS with the given certificate, trusted only by a client that has it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--tls-key', CERT!.key, '--tls-cert', CERT!.cert], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines: string[] = [];
      let buf = '';
      child.stdout.setEncoding('utf8');
      const firstLine = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: string) => {
          buf += c;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            lines.push(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
            if (lines.length === 1) resolve(lines[0]);
          }
        });
        child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
      });
      const url = (JSON.parse(await firstLine) as { url: string }).url;
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v5$/);
      const origin = url.replace(/\/v5$/, '');
      const trusted = await httpsGet(`${origin}/_fake/counters`, readFileSync(CERT!.cert, 'utf8'));
      expect(trusted.status).toBe(200);
      expect(JSON.parse(trusted.body!)).toHaveProperty('requests', 0);
      const untrusted = await httpsGet(`${origin}/_fake/counters`);
      expect(untrusted.error).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines.at(-1) ?? buf).toContain('"counters"');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
