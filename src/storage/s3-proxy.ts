/**
 * The environment's proxy for the S3 client of the rejected-records file: the same settings as the Pinterest calls
 * (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, read by proxySettingsFromEnv and matched by bypassesProxy), so a store
 * behind the same corporate proxy is reached the same way. Requests are tunnelled with CONNECT (https-proxy-agent),
 * to http:// endpoints too, as undici does for Pinterest; the proxy URL's credentials go in `Proxy-Authorization:
 * Basic`. The AWS SDK's Node handler takes Node `http.Agent`s; these agents decide per request (by its
 * host and port) whether it goes through the proxy or direct.
 *
 * Loaded by openS3Store only when a proxy is set: a sync without one loads none of it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { basicCredential } from '../airbyte/redact.js';
import { bypassesProxy, proxyCredentials, type ProxySettings } from '../pinterest/http.js';

/**
 * The proxy answered CONNECT with a status other than 200 (403: it does not tunnel to that host or port; 407: missing
 * or wrong proxy credentials; 5xx: it could not reach the store). Raised on the request, so the S3 call fails with
 * this error rather than with the proxy's answer read as if the store had given it. `name` is what classifyS3Error
 * looks for (this module is loaded only when a proxy is set).
 */
export class ProxyRefusedError extends Error {
  override readonly name = 'ProxyRefusedError';
  /**
   * @param status the proxy's HTTP status for CONNECT
   * @param target `host:port` of the store, for the message (never the proxy URL, which may carry credentials)
   */
  constructor(
    readonly status: number,
    target: string,
  ) {
    super(`the proxy refused to tunnel to ${target} (HTTP ${status})`);
  }
}

/** Agents for the AWS SDK's NodeHttpHandler (`httpAgent` for http:// endpoints, `httpsAgent` for https://). */
export interface S3Agents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/** An agent that hands each request to the proxy agent, or to a direct one when NO_PROXY covers its host. */
class ProxyOrDirect extends AgentBase {
  /**
   * @param secure true for the https:// agent (TLS to the endpoint, inside the tunnel), false for http://
   */
  constructor(
    private readonly secure: boolean,
    private readonly proxy: http.Agent,
    private readonly direct: http.Agent,
    private readonly noProxy: string | undefined,
  ) {
    super({ keepAlive: true });
  }

  /** Fixed per agent rather than guessed from the request (agent-base's default looks at the call stack). */
  override isSecureEndpoint(): boolean {
    return this.secure;
  }

  connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent | Duplex {
    const host = opts.host ?? 'localhost';
    const port = opts.port || (this.secure ? 443 : 80);
    return bypassesProxy(this.noProxy, host.includes(':') ? `[${host}]` : host, port) ? this.direct : this.proxy;
  }

  override destroy(): void {
    this.proxy.destroy();
    this.direct.destroy();
    super.destroy();
  }
}

/**
 * A CONNECT-tunnelling agent for `proxyUrl`. Credentials in the URL are taken out of it and sent as a
 * `Proxy-Authorization: Basic` header: https-proxy-agent writes the proxy URL to stderr when DEBUG names it, and a
 * password must never reach a log.
 * @throws TypeError for a proxy URL that does not parse (the Pinterest client's dispatcher refuses those first)
 */
function tunnelTo(proxyUrl: string): HttpsProxyAgent<string> {
  const credentials = proxyCredentials(proxyUrl);
  const u = new URL(proxyUrl);
  u.username = '';
  u.password = '';
  const headers = credentials ? { 'proxy-authorization': `Basic ${basicCredential(credentials.user, credentials.password)}` } : undefined;
  const agent = new HttpsProxyAgent(u.href, { keepAlive: true, ...(headers ? { headers } : {}) });
  // On a refusal, https-proxy-agent would hand the proxy's answer to the request as the store's: fail the request with
  // what happened instead.
  agent.on('proxyConnect', (connect: { statusCode: number }, req: http.ClientRequest) => {
    if (connect.statusCode !== 200) req.destroy(new ProxyRefusedError(connect.statusCode, String(req.getHeader('host') ?? req.host)));
  });
  return agent;
}

/**
 * The agents for the S3 client under proxy settings `p` (proxySettingsFromEnv; at least one proxy set; its URLs are
 * validated by the Pinterest client's dispatcher, created first).
 */
export function s3ProxyAgents(p: ProxySettings): S3Agents {
  const directHttp = new http.Agent({ keepAlive: true });
  const directHttps = new https.Agent({ keepAlive: true });
  const httpAgent = p.httpProxy ? new ProxyOrDirect(false, tunnelTo(p.httpProxy), directHttp, p.noProxy) : directHttp;
  const httpsAgent = p.httpsProxy ? new ProxyOrDirect(true, tunnelTo(p.httpsProxy), directHttps, p.noProxy) : directHttps;
  return { httpAgent, httpsAgent: httpsAgent as https.Agent };
}
