/**
 * A misbehaving stand-in for the Pinterest API, for privacy tests: it accepts any token and answers every request
 * with texts that ECHO what it received (header values, form fields, every value of every event), the way a real
 * server's error and warning messages sometimes cite the offending value. Whatever the connector logs of these
 * answers must therefore be normalized and redacted, or the echoed personal data and secrets reach its output.
 *
 * `mode` (mutable at run time) chooses the answer to events requests:
 * - `per-event-failed`: 422, every event `failed` with an error_message citing its values (quoted and unquoted);
 * - `per-event-warning`: 200, every event `processed` with a warning_message citing its values;
 * - `whole-400`: 400 for the whole request, citing the values of its events (the connector then bisects);
 * - `status`: `status` (default 403) citing the Authorization header and the body.
 * `POST /v5/oauth/token` always answers `oauthStatus` (default 401) citing the Basic credential (raw and decoded) and
 * the form fields; `GET` requests answer `status` the same way. Listens on 127.0.0.1, port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the echo server answers to events requests. */
export type EchoMode = 'per-event-failed' | 'per-event-warning' | 'whole-400' | 'status';

/** A running echo server. */
export interface EchoServer {
  /** Base URL ending in /v5, for PINTEREST_API_BASE_URL. */
  readonly url: string;
  mode: EchoMode;
  /** Status of `status` mode and of GET requests. */
  status: number;
  /** Status of the OAuth token endpoint. */
  oauthStatus: number;
  /** Requests received: method, path and the raw body text. */
  readonly requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

/** Every string and number leaf of a JSON value, in document order. */
function leaves(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
  else if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) leaves(x, out);
  return out;
}

/** An error text citing `values` twice: unquoted in a sentence, and quoted as a list. */
function citing(prefix: string, values: string[]): string {
  return `${prefix}: ${values.join(' ')}; offending values ${values.map((x) => JSON.stringify(x)).join(', ')}`;
}

/** Starts an echo server on 127.0.0.1. */
export async function startEchoServer(o: { mode?: EchoMode; status?: number; oauthStatus?: number } = {}): Promise<EchoServer> {
  const requests: EchoServer['requests'] = [];
  const state = { mode: o.mode ?? 'per-event-failed', status: o.status ?? 403, oauthStatus: o.oauthStatus ?? 401 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').split('?')[0];
      requests.push({ method: req.method ?? '', path, body });
      const auth = String(req.headers.authorization ?? '');
      const send = (status: number, payload: unknown): void => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-pinterest-rid': 'echo-rid' });
        res.end(text);
      };
      if (path.endsWith('/oauth/token')) {
        const basic = auth.replace(/^Basic /, '');
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        const form = [...new URLSearchParams(body).values()];
        send(state.oauthStatus, { code: 2, message: citing(`Authentication failed for ${auth} (${decoded})`, [...form, body]) });
        return;
      }
      let events: unknown[] = [];
      try {
        events = (JSON.parse(body) as { data?: unknown[] }).data ?? [];
      } catch {
        events = [];
      }
      if (req.method !== 'POST' || state.mode === 'status') {
        send(state.status, { code: 29, message: citing(`Refused ${auth}`, [body, ...leaves(events)]) });
        return;
      }
      if (state.mode === 'whole-400') {
        send(400, { code: 4196, message: citing('The request was invalid', leaves(events)) });
        return;
      }
      const failed = state.mode === 'per-event-failed';
      const answers = events.map((e) => ({
        status: failed ? 'failed' : 'processed',
        error_message: failed ? citing('Invalid event', leaves(e)) : null,
        warning_message: failed ? null : citing('Odd values', leaves(e)),
      }));
      const counts = { num_events_received: events.length, num_events_processed: failed ? 0 : events.length, events: answers };
      if (failed) send(422, { code: 4198, message: 'Not all events were successfully processed.', details: counts });
      else send(200, counts);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v5`,
    get mode() {
      return state.mode;
    },
    set mode(m: EchoMode) {
      state.mode = m;
    },
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    get oauthStatus() {
      return state.oauthStatus;
    },
    set oauthStatus(s: number) {
      state.oauthStatus = s;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
