/**
 * A small local forward proxy for tests (what a corporate proxy does, minus the policy):
 * - `CONNECT host:port` tunnels (what undici's ProxyAgent uses by default, for https AND http targets);
 * - plain forwarding of absolute-form requests (`GET http://host:port/path HTTP/1.1`), as classic HTTP proxies do;
 * - optional `Proxy-Authorization: Basic` check (407 with `Proxy-Authenticate` when missing or wrong);
 * - counts and records every CONNECT and forwarded request (target, Proxy-Authorization value);
 * - optional private name resolution (`hosts`), so tests can use a host name only reachable through the proxy.
 *
 * Listens on 127.0.0.1 (port 0 by default). Only for tests: no access control beyond the optional credentials.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Options of {@link startTestProxy}. */
export interface TestProxyOptions {
  /** When set, every CONNECT/request must carry `Proxy-Authorization: Basic base64(user:pass)`; else 407. */
  auth?: { user: string; pass: string };
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /**
   * Names only the proxy can resolve (name → IP), like an intranet DNS. A base URL on such a name (e.g. the reserved
   * `pinterest.test`) cannot be reached directly, so a successful call proves it went through the proxy.
   */
  hosts?: Record<string, string>;
}

/** One request the proxy saw. */
export interface ProxiedRequest {
  /** 'CONNECT' for tunnels, otherwise the forwarded method. */
  method: string;
  /** `host:port` for CONNECT, the absolute URL for forwarded requests. */
  target: string;
  /** The Proxy-Authorization header as received, if any. */
  proxyAuthorization?: string;
  /** Status the proxy answered itself: 200 (tunnel established / forwarded), 407, 400 or 502. */
  status: number;
}

/** A running test proxy. */
export interface TestProxy {
  /** `http://127.0.0.1:PORT` (without credentials). */
  readonly url: string;
  readonly port: number;
  /** Every CONNECT and forwarded request, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** Counters: tunnels opened, requests forwarded, 407 answers. */
  readonly counts: { connect: number; forwarded: number; rejected: number };
  /** `http://user:pass@127.0.0.1:PORT` with URL-encoded credentials. */
  urlWithCredentials(user: string, pass: string): string;
  /** Clears `requests` and the counters. */
  reset(): void;
  /** Stops listening and destroys every tunnel and connection. */
  close(): Promise<void>;
}

/** Starts a forward/CONNECT proxy on 127.0.0.1. */
export async function startTestProxy(opts: TestProxyOptions = {}): Promise<TestProxy> {
  const requests: ProxiedRequest[] = [];
  const counts = { connect: 0, forwarded: 0, rejected: 0 };
  const sockets = new Set<net.Socket>();
  const expected = opts.auth ? `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.pass}`).toString('base64')}` : undefined;
  const authorized = (header: string | undefined): boolean => expected === undefined || header === expected;
  const resolveHost = (host: string): string => opts.hosts?.[host.toLowerCase()] ?? host;
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const server = http.createServer((req, res) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    const rec: ProxiedRequest = { method: req.method ?? 'GET', target: req.url ?? '', proxyAuthorization, status: 0 };
    requests.push(rec);
    if (!authorized(proxyAuthorization)) {
      counts.rejected++;
      rec.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test-proxy"', 'content-type': 'text/plain', connection: 'close' });
      res.end('Proxy Authentication Required');
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
      if (target.protocol !== 'http:') throw new Error('only http:// targets are forwarded');
    } catch {
      rec.status = 400;
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('absolute http:// URL required');
      return;
    }
    counts.forwarded++;
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: resolveHost(target.hostname), port: target.port || 80, method: req.method, path: target.pathname + target.search, headers, agent: false },
      (up) => {
        rec.status = 200;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      rec.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });

  server.on('connection', track);

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    const rec: ProxiedRequest = { method: 'CONNECT', target: req.url ?? '', proxyAuthorization, status: 0 };
    requests.push(rec);
    client.on('error', () => undefined);
    if (!authorized(proxyAuthorization)) {
      counts.rejected++;
      rec.status = 407;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test-proxy"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    if (!m) {
      rec.status = 400;
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    counts.connect++;
    const upstream = net.connect(Number(m[2]), resolveHost(m[1]), () => {
      rec.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => {
      if (rec.status === 0) {
        rec.status = 502;
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      } else client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    requests,
    counts,
    urlWithCredentials: (user, pass) => `http://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    reset: () => {
      requests.length = 0;
      counts.connect = 0;
      counts.forwarded = 0;
      counts.rejected = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}
