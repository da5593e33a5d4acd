import { existsSync } from 'node:fs';
import { basicCredential, MIN_SECRET_LENGTH } from '../airbyte/redact.js';
import { PinterestError } from './errors.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { EnvHttpProxyAgent, request } from './undici-core.js';

/** Default base URL of Pinterest API v5. Overridden by the environment variable PINTEREST_API_BASE_URL (tests, demo). */
export const DEFAULT_API_BASE_URL = 'https://api.pinterest.com/v5';

/** The API base URL in force, without a trailing slash. */
export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.PINTEREST_API_BASE_URL || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

/**
 * The API base URL in force, checked: it must be an absolute http:// or https:// URL. Anything else (`ftp://...`,
 * `localhost:8080` without a scheme, a typo) is a setting to fix, so it fails as a config error before any call.
 * @throws PinterestError `config_error`
 */
export function checkedApiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = apiBaseUrl(env);
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new PinterestError(
      `PINTEREST_API_BASE_URL is not an http:// or https:// URL${protocol ? ` (it uses ${protocol})` : ''}: set it to the API's base URL, e.g. ${DEFAULT_API_BASE_URL}, or unset it to use Pinterest's API.`,
      'config_error',
      { reason: 'base_url' },
    );
  }
  return url;
}

/**
 * An answer the real Pinterest API never gives to the calls this connector makes, showing that the base URL or a
 * proxy leads somewhere else: a redirect (3xx; requests never follow redirects, which would re-send the token to
 * another host) or 204 No Content. Retrying cannot help, so it is a config error naming the setting to check; the
 * redirect's target is shown by origin only. Undefined for every other status.
 */
export function misdirectedAnswer(status: number, location: string | undefined, baseUrl: string): PinterestError | undefined {
  let what: string;
  if (status >= 300 && status < 400) {
    let origin: string | undefined;
    try {
      origin = location ? new URL(location, baseUrl).origin : undefined;
    } catch {
      origin = undefined;
    }
    what = `a redirect (HTTP ${status}${origin ? ` to ${origin}` : ''})`;
  } else if (status === 204) {
    what = 'HTTP 204 No Content';
  } else {
    return undefined;
  }
  return new PinterestError(
    `The API at ${redactProxyUrl(baseUrl)} answered with ${what}, which Pinterest's API never does for this call: PINTEREST_API_BASE_URL or a proxy points somewhere else than Pinterest's API v5. Unset PINTEREST_API_BASE_URL (or set it to ${DEFAULT_API_BASE_URL}) and check the proxy settings.`,
    'config_error',
    { status, reason: 'misdirected' },
  );
}

/**
 * Explicit timeouts (milliseconds) for every Pinterest call; none is left infinite. `headersMs` and `bodyMs` are
 * undici's idle timeouts (time without a byte); `requestMs` is the overall deadline of one attempt, from sending to
 * the last byte of the answer, so that a server trickling bytes cannot hold a request for ever. The client shortens
 * it to what is left of max_retry_seconds, but not below `minRequestMs` (time enough for a proxy and TLS on a busy
 * machine).
 */
export const HTTP_TIMEOUTS = {
  connectMs: 10_000,
  headersMs: 60_000,
  bodyMs: 60_000,
  requestMs: 120_000,
  minRequestMs: 10_000,
  keepAliveMs: 30_000,
} as const;

/** Largest answer read from Pinterest, in bytes (a full answer to 1,000 events is well under 1 MiB). */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** A request that got no usable answer (none complete within its deadline, or one too large): retried by callers. */
export class UnusableAnswer extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'too_large',
  ) {
    super(message);
  }
}

/** An answer read whole: status, headers and the body as UTF-8 text. */
export interface ReadAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP request through `dispatcher` whose answer is read whole, at most {@link MAX_ANSWER_BYTES}, within
 * `deadlineMs` from the start (undici's own timeouts only catch a silent server, not one that trickles bytes).
 * Aborting `signal` aborts the request (the caller reports the cancellation).
 * @throws UnusableAnswer when the deadline passes or the answer is too large; undici's error otherwise
 */
export async function requestWithDeadline(
  url: string,
  options: { method: 'GET' | 'POST'; dispatcher: Dispatcher; headers: Record<string, string>; body?: Uint8Array | string },
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<ReadAnswer> {
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, deadlineMs);
  const cancel = (): void => attempt.abort();
  signal?.addEventListener('abort', cancel, { once: true });
  // Cancelled before it started (e.g. while it waited for the rate limiter): the request fails without being sent.
  if (signal?.aborted) attempt.abort();
  try {
    const res = await request(url, { ...options, signal: attempt.signal });
    const text = await readCapped(res.body, res.headers['content-length']);
    return { status: res.statusCode, headers: res.headers, text };
  } catch (err) {
    if (timedOut && !signal?.aborted) throw new UnusableAnswer(`no complete answer within ${Math.round(deadlineMs / 1000)} s (the server kept the request open)`, 'timeout');
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * Reads an answer body as UTF-8 text, at most {@link MAX_ANSWER_BYTES}: a larger one (announced by content-length or
 * not) is abandoned and the connection closed, so a server that never stops answering cannot fill the memory.
 * @throws UnusableAnswer for an oversized answer
 */
async function readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | string[] | undefined): Promise<string> {
  const tooLarge = (): UnusableAnswer => {
    body.destroy();
    return new UnusableAnswer(`an answer larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB (reading stopped there; no Pinterest answer is that large)`, 'too_large');
  };
  if (Number(Array.isArray(contentLength) ? contentLength[0] : contentLength) > MAX_ANSWER_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ANSWER_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** Proxy settings read from the environment. */
export interface ProxySettings {
  /** Proxy for http:// targets (`http_proxy`, else `HTTP_PROXY`). */
  httpProxy?: string;
  /** Proxy for https:// targets (`https_proxy`, else `HTTPS_PROXY`, else the http proxy). */
  httpsProxy?: string;
  /** Hosts reached directly (`no_proxy`, else `NO_PROXY`). */
  noProxy?: string;
}

/** Adds `http://` to a proxy given without scheme (`proxy.corp:3128`, as curl accepts); empty → undefined. */
function normalizeProxyUrl(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
}

/**
 * The proxy settings of the environment, with undici's (and curl's) precedence: the lowercase variable wins over the
 * uppercase one; an https target without an https proxy uses the http proxy. An empty variable counts as unset
 * (containers often define `http_proxy=""`). Values without a scheme get `http://`.
 */
export function proxySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const httpProxy = normalizeProxyUrl(env.http_proxy?.trim() || env.HTTP_PROXY);
  const httpsProxy = normalizeProxyUrl(env.https_proxy?.trim() || env.HTTPS_PROXY) ?? httpProxy;
  const noProxy = (env.no_proxy?.trim() || env.NO_PROXY)?.trim();
  return { httpProxy, httpsProxy, noProxy: noProxy || undefined };
}

/**
 * True when a request to `hostname:port` goes direct by `noProxy` (the NO_PROXY value of {@link ProxySettings}), by
 * the rule undici's EnvHttpProxyAgent applies to the Pinterest calls (undici 7.30.2), so that every call of the
 * connector follows one rule: entries are separated by commas or spaces; `*` alone means every host; an entry
 * matches its host and the host's subdomains, a leading `.` or `*.` being ignored (`pinterest.com`, `.pinterest.com`
 * and `*.pinterest.com` all cover `api.pinterest.com`); `host:port` matches that port only; names compare case-
 * insensitively; no address ranges.
 * @param hostname the request's host name or IP address (IPv6 in brackets, as in a URL's host)
 * @param port the request's port (443 or 80 when the URL gives none)
 */
export function bypassesProxy(noProxy: string | undefined, hostname: string, port: number): boolean {
  const value = noProxy ?? '';
  if (value === '*') return true;
  const host = hostname.toLowerCase();
  for (const raw of value.split(/[,\s]/)) {
    if (!raw) continue;
    const m = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (m ? m[1] : raw).replace(/^\*?\./, '').toLowerCase();
    const entryPort = m ? Number.parseInt(m[2], 10) : 0;
    if (entryPort && entryPort !== port) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return true;
  }
  return false;
}

/** The scheme and `//` of a URL (`http://`), or '' when it has none. */
function schemeOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
}

/**
 * The user info of a proxy URL as written (still URL-encoded), also when the URL parser rejects the URL (e.g. a
 * password with an unencoded `/` or `@`): everything between `//` and the last `@` before the host. Undefined
 * when there is none.
 */
function rawUserInfo(url: string): { user: string; password: string } | undefined {
  let userInfo: string | undefined;
  try {
    const u = new URL(url);
    if (u.username || u.password) userInfo = u.password ? `${u.username}:${u.password}` : u.username;
  } catch {
    const rest = url.slice(schemeOf(url).length);
    const at = rest.lastIndexOf('@');
    if (at >= 0) userInfo = rest.slice(0, at);
  }
  if (userInfo === undefined) return undefined;
  const colon = userInfo.indexOf(':');
  return colon < 0 ? { user: userInfo, password: '' } : { user: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) };
}

/**
 * The user and password of a proxy URL, percent-decoded as they are sent to the proxy (Basic auth) and as
 * {@link proxySecrets} redacts them; undefined when the URL has none.
 */
export function proxyCredentials(url: string): { user: string; password: string } | undefined {
  const info = rawUserInfo(url);
  return info ? { user: safeDecode(info.user), password: safeDecode(info.password) } : undefined;
}

/** `decodeURIComponent`, or the text unchanged when it is not valid percent-encoding. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The proxy URL with any user info replaced by `***` (for log lines). A URL the parser rejects is cut at the last
 * `@` too (its password may hold an unencoded `/` or `@`), so no part of the credentials is shown.
 */
export function redactProxyUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    return `${u.protocol}//***@${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    const scheme = schemeOf(url);
    const rest = url.slice(scheme.length);
    const at = rest.lastIndexOf('@');
    return at < 0 ? url : `${scheme}***@${rest.slice(at + 1)}`;
  }
}

/**
 * Secrets hidden in the proxy variables: each proxy password (as written and URL-decoded), the `user:password`
 * pair and its Basic token, so that no LOG or TRACE line can carry them. Also for URLs the parser rejects.
 */
export function proxySecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>();
  for (const raw of [env.http_proxy, env.HTTP_PROXY, env.https_proxy, env.HTTPS_PROXY]) {
    const url = normalizeProxyUrl(raw);
    if (!url) continue;
    const info = rawUserInfo(url);
    if (!info?.password) continue;
    const user = safeDecode(info.user);
    const pass = safeDecode(info.password);
    for (const s of [info.password, pass, `${info.user}:${info.password}`, `${user}:${pass}`, basicCredential(user, pass)]) out.add(s);
  }
  return [...out];
}

/**
 * One LOG-ready sentence describing the proxy settings in force (credentials replaced by `***`) and, next to a proxy,
 * NODE_EXTRA_CA_CERTS; undefined when no proxy is set. A NODE_EXTRA_CA_CERTS file that does not exist is always
 * reported (WARN): Node then only prints a warning on stderr and TLS fails later with an unhelpful certificate error.
 */
export function describeNetworkEnv(env: NodeJS.ProcessEnv = process.env): { level: 'INFO' | 'WARN'; message: string } | undefined {
  const p = proxySettingsFromEnv(env);
  const parts: string[] = [];
  if (p.httpsProxy && p.httpsProxy === p.httpProxy) parts.push(`calls go through the proxy ${redactProxyUrl(p.httpsProxy)}`);
  else {
    if (p.httpsProxy) parts.push(`https:// calls go through the proxy ${redactProxyUrl(p.httpsProxy)}`);
    if (p.httpProxy) parts.push(`http:// calls go through the proxy ${redactProxyUrl(p.httpProxy)}`);
  }
  if ((p.httpProxy || p.httpsProxy) && p.noProxy) parts.push(`except hosts in NO_PROXY (${p.noProxy})`);
  let level: 'INFO' | 'WARN' = 'INFO';
  const ca = env.NODE_EXTRA_CA_CERTS;
  if (ca && !existsSync(ca)) {
    level = 'WARN';
    parts.push(`NODE_EXTRA_CA_CERTS names ${ca}, which does not exist: no extra CA is trusted, TLS through an intercepting proxy will fail`);
  } else if (ca && parts.length > 0) {
    // Only worth a line next to a proxy (an intercepting proxy is why a private CA is needed); base images often set it.
    parts.push(`extra trusted CA certificates from NODE_EXTRA_CA_CERTS (${ca})`);
  }
  return parts.length > 0 ? { level, message: `Network: ${parts.join('; ')}.` } : undefined;
}

/**
 * The one HTTP dispatcher of the process: keep-alive connections, explicit timeouts, and the proxy settings
 * of the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, upper or lower case, lowercase winning, credentials
 * in the proxy URL sent as `Proxy-Authorization: Basic`) through undici's EnvHttpProxyAgent, which tunnels with
 * CONNECT. Extra CAs from `NODE_EXTRA_CA_CERTS` are part of Node's default trust store, which undici's TLS
 * connections use.
 *
 * @param connections maximum sockets per origin (the configured request concurrency plus headroom)
 */
export function createDispatcher(connections: number, env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const proxy = proxySettingsFromEnv(env);
  for (const [name, url] of [
    ['HTTP_PROXY', proxy.httpProxy],
    ['HTTPS_PROXY', proxy.httpsProxy],
  ] as const) {
    if (url === undefined) continue;
    let problem: string | undefined;
    try {
      const u = new URL(url);
      decodeURIComponent(u.username);
      decodeURIComponent(u.password);
    } catch (err) {
      problem = (err as Error).message;
    }
    const password = problem === undefined ? safeDecode(rawUserInfo(url)?.password ?? '') : '';
    if (password && password.length < MIN_SECRET_LENGTH) {
      throw new PinterestError(
        `The proxy password in ${name} (or ${name.toLowerCase()}) is shorter than ${MIN_SECRET_LENGTH} characters, too short to be kept out of the logs safely: use a longer proxy password.`,
        'config_error',
        { reason: 'proxy' },
      );
    }
    if (problem !== undefined) {
      throw new PinterestError(
        `The proxy setting ${name} (or ${name.toLowerCase()}) is not a valid URL (${problem}): write it as http://host:port or http://user:password@host:port with the user and password URL-encoded.`,
        'config_error',
        { reason: 'proxy' },
      );
    }
  }
  return new EnvHttpProxyAgent({
    // Explicit values so a scheme-less proxy works and the process environment is read once, here.
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy ?? '',
    connections,
    keepAliveTimeout: HTTP_TIMEOUTS.keepAliveMs,
    headersTimeout: HTTP_TIMEOUTS.headersMs,
    bodyTimeout: HTTP_TIMEOUTS.bodyMs,
    connect: { timeout: HTTP_TIMEOUTS.connectMs },
  });
}
