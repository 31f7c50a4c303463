/**
 * One HTTP dispatcher for all venue traffic of a process, over egress proxies in failover order (issue 14).
 *
 * Traffic goes through the first healthy proxy. A proxy is marked down by a failed probe or by a request whose
 * connection through it could not be established; it takes the traffic back after `recoverAfterProbes` good probes
 * in a row. Failover exists for availability only: every proxy of the list is an egress the operator chose, and the
 * order never changes to look for one a venue accepts (the eligibility gate stops live trading instead).
 *
 * No request lost or sent twice: each proxy's connect step (TCP to the proxy, CONNECT, TLS to the venue) is wrapped,
 * and the errors it produces are remembered. A request that failed with one of them was never written to the venue,
 * so it is sent again on the next healthy proxy whatever its method. Any other transport error means the connection
 * was up and the request may have reached the venue: only idempotent methods are sent again; anything else is
 * rejected with `EgressRequestError` `outcome: 'unknown'`, for the caller to reconcile (client order id) before it
 * sends anything again. With no healthy proxy a request fails at once with `outcome: 'not_sent'`.
 */
import type { Agent as HttpAgent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  Dispatcher,
  Pool,
  ProxyAgent,
  type RequestInfo,
  type RequestInit as UndiciRequestInit,
  errors as undiciErrors,
  fetch as undiciFetch,
} from 'undici';
import type { EgressConfig } from '#config/env';
import { EgressRequestError } from './errors.ts';
import type {
  EgressChange,
  EgressChangeReason,
  EgressDispatcher,
  EgressDispatcherOptions,
  EgressEndpoint,
  EgressMetricsSnapshot,
} from './types.ts';

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const DEFAULT_RECOVER_AFTER_PROBES = 2;

type ConnectCallback = (err: Error | null, socket: unknown) => void;
type Connector = (opts: unknown, callback: ConnectCallback) => void;

interface Proxy {
  index: number;
  url: string;
  agent: ProxyAgent;
  wsAgent: HttpsProxyAgent<string> | undefined;
  healthy: boolean;
  goodStreak: number;
  probing: Promise<void> | undefined;
  lastProbeLatencyMs: number | undefined;
  lastProbeAtMs: number | undefined;
  probeFailures: number;
  requestFailures: number;
}

/** Parses `EGRESS_PROXY_URLS` (comma-separated, in failover order), falling back to the one `EGRESS_PROXY_URL`. */
export function egressProxyList(config: { EGRESS_PROXY_URLS?: string; EGRESS_PROXY_URL?: string }): string[] {
  const list = (config.EGRESS_PROXY_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (list.length > 0) return list;
  return config.EGRESS_PROXY_URL ? [config.EGRESS_PROXY_URL] : [];
}

export function createEgressDispatcher(options: EgressDispatcherOptions): EgressDispatcher {
  const now = options.now ?? Date.now;
  if (options.proxies.length === 0) throw new Error('createEgressDispatcher: no egress proxy configured');
  if (!(options.probeIntervalMs > 0 && options.probeIntervalMs < options.failoverWithinMs)) {
    throw new Error('createEgressDispatcher: probeIntervalMs must be positive and below failoverWithinMs');
  }
  // A dead proxy is seen by the next probe (within the interval) failing within this, or by a request's connect step
  // failing within this: both inside the bound.
  const attemptTimeoutMs = options.failoverWithinMs - options.probeIntervalMs;
  const recoverAfterProbes = options.recoverAfterProbes ?? DEFAULT_RECOVER_AFTER_PROBES;
  /** Errors of a connect step: a request that failed with one was never written. */
  const connectErrors = new WeakSet<object>();

  const boundedConnect =
    (connect: Connector): Connector =>
    (opts, callback) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        const error = new undiciErrors.ConnectTimeoutError(`egress connect step over ${attemptTimeoutMs} ms`);
        connectErrors.add(error);
        callback(error, null);
      }, attemptTimeoutMs);
      connect(opts, (err, socket) => {
        clearTimeout(timer);
        if (settled) {
          (socket as { destroy?: () => void } | null)?.destroy?.();
          return;
        }
        settled = true;
        if (err) connectErrors.add(err);
        callback(err, socket);
      });
    };

  const proxies: Proxy[] = options.proxies.map((url, index) => ({
    index,
    url,
    agent: new ProxyAgent({
      uri: url,
      proxyTls: { timeout: attemptTimeoutMs },
      factory: (origin, agentOptions) => {
        const { connect } = agentOptions as { connect: Connector };
        return new Pool(origin, { ...agentOptions, connect: boundedConnect(connect) as never });
      },
    } as ProxyAgent.Options),
    wsAgent: undefined,
    healthy: true,
    goodStreak: 0,
    probing: undefined,
    lastProbeLatencyMs: undefined,
    lastProbeAtMs: undefined,
    probeFailures: 0,
    requestFailures: 0,
  }));

  let activeIndex: number | undefined = 0;
  let failovers = 0;
  const requests = { sent: 0, retried: 0, failedFast: 0, unknownOutcome: 0 };
  let closed = false;

  const endpoint = (index: number | undefined): EgressEndpoint | undefined => {
    const proxy = index === undefined ? undefined : proxies[index];
    return proxy ? { index: proxy.index, url: proxy.url } : undefined;
  };

  const reselect = (reason: EgressChangeReason) => {
    const next = proxies.find((p) => p.healthy)?.index;
    if (next === activeIndex) return;
    const from = endpoint(activeIndex);
    activeIndex = next;
    failovers += 1;
    const why: EgressChangeReason =
      next === undefined ? 'all_down' : from === undefined || next < from.index ? 'recovered' : reason;
    options.onChange?.({ from, to: endpoint(next), reason: why, atMs: now() });
  };

  const markDown = (proxy: Proxy, reason: EgressChangeReason) => {
    proxy.healthy = false;
    proxy.goodStreak = 0;
    reselect(reason);
  };

  const probe = (proxy: Proxy): Promise<void> => {
    if (proxy.probing) return proxy.probing;
    const started = now();
    proxy.probing = undiciFetch(options.probeUrl, {
      dispatcher: proxy.agent,
      signal: AbortSignal.timeout(attemptTimeoutMs),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        proxy.lastProbeLatencyMs = now() - started;
        proxy.lastProbeAtMs = now();
        proxy.goodStreak += 1;
        if (!proxy.healthy && proxy.goodStreak >= recoverAfterProbes) {
          proxy.healthy = true;
          reselect('recovered');
        }
      })
      .catch(() => {
        proxy.lastProbeAtMs = now();
        proxy.probeFailures += 1;
        markDown(proxy, 'probe_failed');
      })
      .finally(() => {
        proxy.probing = undefined;
      });
    return proxy.probing;
  };

  const probeNow = async () => {
    if (closed) return;
    await Promise.all(proxies.map(probe));
  };
  const timer = setInterval(() => void probeNow(), options.probeIntervalMs);
  timer.unref();

  /**
   * undici's own fetch, so the dispatcher is always of its version (Node's bundled fetch may be another); its
   * Response has the global one's shape.
   */
  const send = async (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, agent: ProxyAgent) =>
    (await undiciFetch(input as RequestInfo, {
      ...(init as UndiciRequestInit),
      dispatcher: agent,
    })) as unknown as Response;

  const egressFetch: typeof globalThis.fetch = async (input, init) => {
    // A Request of Node's own fetch is not one undici's fetch knows; venue clients pass a URL and init.
    if (input instanceof Request) throw new TypeError('egress fetch: pass a URL and an init, not a Request');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = init?.body ?? null;
    // A stream cannot be read twice; everything else fetch takes can be sent again as it is.
    const resendable = !(body instanceof ReadableStream);
    const tried = new Set<number>();
    let resentIdempotent = false;
    for (;;) {
      const proxy = activeIndex === undefined ? undefined : proxies[activeIndex];
      if (!proxy || tried.has(proxy.index)) {
        requests.failedFast += proxy ? 0 : 1;
        throw new EgressRequestError({
          code: 'egress_unavailable',
          outcome: 'not_sent',
          message: proxy ? 'every egress proxy failed this request before sending it' : 'no egress proxy is healthy',
        });
      }
      tried.add(proxy.index);
      requests.sent += 1;
      try {
        return await send(input, init, proxy.agent);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        proxy.requestFailures += 1;
        const cause = (error as { cause?: unknown }).cause;
        const neverSent = typeof cause === 'object' && cause !== null && connectErrors.has(cause);
        if (neverSent) {
          markDown(proxy, 'request_failed');
          if (resendable) {
            requests.retried += 1;
            continue;
          }
          throw new EgressRequestError({
            code: 'egress_failed',
            outcome: 'not_sent',
            message: `${method} not sent through ${proxy.url}, and its body cannot be read twice`,
            cause: error,
          });
        }
        // The tunnel was up: the venue or the proxy broke it. A probe tells which, within the bound.
        await probe(proxy);
        if (resendable && IDEMPOTENT_METHODS.has(method) && !resentIdempotent) {
          resentIdempotent = true;
          requests.retried += 1;
          tried.delete(proxy.index);
          continue;
        }
        requests.unknownOutcome += 1;
        throw new EgressRequestError({
          code: 'egress_failed',
          outcome: 'unknown',
          message: `${method} may have reached the venue through ${proxy.url}; reconcile before sending again`,
          cause: error,
        });
      }
    }
  };

  const activeProxy = (): Proxy => {
    const proxy = activeIndex === undefined ? undefined : proxies[activeIndex];
    if (!proxy) {
      throw new EgressRequestError({
        code: 'egress_unavailable',
        outcome: 'not_sent',
        message: 'no egress proxy is healthy',
      });
    }
    return proxy;
  };

  /** Sends each request through the egress active when it is dispatched (no retry: that is `fetch`'s job). */
  class ActiveEgress extends Dispatcher {
    override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      return activeProxy().agent.dispatch(opts, handler);
    }
  }
  const routing = new ActiveEgress();

  return {
    fetch: egressFetch,
    dispatcher: () => routing,
    wsAgent: (): HttpAgent => {
      const proxy = activeProxy();
      proxy.wsAgent ??= new HttpsProxyAgent(proxy.url, { timeout: attemptTimeoutMs });
      return proxy.wsAgent;
    },
    active: () => endpoint(activeIndex),
    metrics: (): EgressMetricsSnapshot => ({
      active: endpoint(activeIndex),
      failovers,
      proxies: proxies.map((p) => ({
        index: p.index,
        url: p.url,
        healthy: p.healthy,
        lastProbeLatencyMs: p.lastProbeLatencyMs,
        lastProbeAtMs: p.lastProbeAtMs,
        probeFailures: p.probeFailures,
        requestFailures: p.requestFailures,
      })),
      requests: { ...requests },
    }),
    probeNow,
    close: async () => {
      closed = true;
      clearInterval(timer);
      await Promise.allSettled(proxies.map((p) => p.probing));
      for (const p of proxies) p.wsAgent?.destroy();
      await Promise.all(proxies.map((p) => p.agent.close()));
    },
  };
}

/** The process's egress from its config, or `undefined` when no proxy is configured (traffic goes out directly). */
export function egressFromConfig(
  config: EgressConfig,
  opts: { now?: () => number; onChange?: (change: EgressChange) => void } = {},
): EgressDispatcher | undefined {
  const proxies = egressProxyList(config);
  if (proxies.length === 0) return undefined;
  return createEgressDispatcher({
    proxies,
    probeUrl: config.EGRESS_PROBE_URL,
    probeIntervalMs: config.EGRESS_PROBE_INTERVAL_MS,
    failoverWithinMs: config.EGRESS_FAILOVER_WITHIN_MS,
    ...opts,
  });
}
