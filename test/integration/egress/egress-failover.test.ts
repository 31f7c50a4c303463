import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { createEgressDispatcher } from '#adapters/egress/dispatcher';
import {
  createEligibilityGate,
  kalshiExchangeStatusCheck,
  polymarketGeoblockCheck,
} from '#adapters/egress/eligibility';
import { EgressRequestError, VenueIneligibleError } from '#adapters/egress/errors';
import type { EgressChange, EgressDispatcher } from '#adapters/egress/types';
import { startTestProxy, type TestProxy } from './egress-proxies.ts';

const PROBE_INTERVAL_MS = 100;
const FAILOVER_WITHIN_MS = 1_000;
const geoblockFixture = JSON.parse(readFileSync('test/fixtures/venues/polymarket_geoblock_response.json', 'utf8'));

/** A fake venue: orders counted by client order id, looked up by it, and both venues' eligibility endpoints. */
async function startFakeVenue() {
  const orders = new Map<string, number>();
  const answers = {
    geoblock: geoblockFixture as Record<string, unknown>,
    exchangeStatus: { exchange_active: true, trading_active: true } as Record<string, unknown>,
  };
  const body = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return text;
  };
  const server: Server = createServer(async (req, res) => {
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const url = new URL(req.url ?? '/', 'http://venue');
    if (req.method === 'POST' && url.pathname === '/orders') {
      const { client_order_id: id } = JSON.parse(await body(req)) as { client_order_id: string };
      orders.set(id, (orders.get(id) ?? 0) + 1);
      return json(201, { order: { client_order_id: id, status: 'resting' } });
    }
    const lookup = /^\/orders\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && lookup?.[1]) {
      return orders.has(lookup[1]) ? json(200, { order: { client_order_id: lookup[1] } }) : json(404, {});
    }
    if (url.pathname === '/api/geoblock') return json(200, answers.geoblock);
    if (url.pathname === '/trade-api/v2/exchange/status') return json(200, answers.exchangeStatus);
    if (url.pathname === '/probe') return json(200, { ok: true });
    return json(404, {});
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.send('hello through the egress'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    orders,
    answers,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function until(what: string, condition: () => boolean, deadlineMs = 5_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > deadlineMs) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

/**
 * What an executor does with an order: resend when the egress says it was never sent, look it up by client order id
 * when the outcome is unknown, and resend only if the venue has not seen it.
 */
async function placeOnce(egress: EgressDispatcher, venueUrl: string, id: string): Promise<'placed' | 'reconciled'> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      const response = await egress.fetch(`${venueUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_order_id: id }),
      });
      expect(response.status).toBe(201);
      await response.arrayBuffer();
      return 'placed';
    } catch (error) {
      if (!(error instanceof EgressRequestError)) throw error;
      if (error.outcome === 'unknown') {
        const lookup = await egress.fetch(`${venueUrl}/orders/${id}`);
        await lookup.arrayBuffer();
        if (lookup.status === 200) return 'reconciled';
      }
      await until('an egress again', () => egress.active() !== undefined);
    }
  }
  throw new Error(`order ${id} not placed`);
}

describe('egress dispatcher over two local proxies', () => {
  let venue: Awaited<ReturnType<typeof startFakeVenue>>;
  let first: TestProxy;
  let second: TestProxy;
  let egress: EgressDispatcher;
  let changes: EgressChange[];
  let onEgressChange: ((change: EgressChange) => void) | undefined;

  beforeEach(async () => {
    venue = await startFakeVenue();
    first = await startTestProxy();
    second = await startTestProxy();
    changes = [];
    onEgressChange = undefined;
    egress = createEgressDispatcher({
      proxies: [first.url, second.url],
      probeUrl: `${venue.url}/probe`,
      probeIntervalMs: PROBE_INTERVAL_MS,
      failoverWithinMs: FAILOVER_WITHIN_MS,
      onChange: (change) => {
        changes.push(change);
        onEgressChange?.(change);
      },
    });
  });

  afterEach(async () => {
    await egress.close();
    await Promise.all([first.close(), second.close(), venue.close()]);
  });

  it('moves to the second when the first dies mid-run, within the bound, every order at the venue once; back when it recovers', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `order-${i}`);
    let killedAt = 0;
    let failedOverAfterMs: number | undefined;
    for (const [i, id] of ids.entries()) {
      if (i === 20) {
        await first.kill();
        killedAt = performance.now();
      }
      await placeOnce(egress, venue.url, id);
      if (killedAt && failedOverAfterMs === undefined && egress.active()?.index === 1) {
        failedOverAfterMs = performance.now() - killedAt;
      }
      if (i === 40) {
        await first.revive();
        await until('traffic back on the first proxy', () => egress.active()?.index === 0);
      }
    }
    expect([...venue.orders.keys()].sort()).toEqual([...ids].sort());
    expect([...venue.orders.values()].every((count) => count === 1)).toBe(true);
    expect(failedOverAfterMs).toBeDefined();
    expect(failedOverAfterMs).toBeLessThan(FAILOVER_WITHIN_MS);
    expect(second.tunnels).toBeGreaterThan(0);
    expect(changes.map((c) => [c.from?.index, c.to?.index])).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(changes[1]?.reason).toBe('recovered');
    const snapshot = egress.metrics();
    expect(snapshot.active).toEqual({ index: 0, url: first.url });
    expect(snapshot.failovers).toBe(2);
    // The order sent just after the kill went out on a kept-alive tunnel the kill cut (outcome unknown, reconciled by
    // its client order id) or met a refused proxy (never written, sent again on the second).
    expect(snapshot.requests.unknownOutcome + snapshot.requests.retried).toBeGreaterThanOrEqual(1);
    expect(snapshot.proxies[1]?.lastProbeLatencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sends a POST whose tunnel was never established through the next proxy, once', async () => {
    await first.kill();
    const response = await egress.fetch(`${venue.url}/orders`, {
      method: 'POST',
      body: JSON.stringify({ client_order_id: 'never-sent-first' }),
    });
    expect(response.status).toBe(201);
    expect(venue.orders.get('never-sent-first')).toBe(1);
    expect(egress.metrics().requests).toMatchObject({ sent: 2, retried: 1, unknownOutcome: 0 });
    expect(changes[0]).toMatchObject({ from: { index: 0 }, to: { index: 1 }, reason: 'request_failed' });
  });

  it('leaves a dead active proxy within the bound by its probes alone, with no request in flight', async () => {
    await egress.probeNow();
    await first.kill();
    const tookMs = await until('the probes move traffic to the second', () => egress.active()?.index === 1);
    expect(tookMs).toBeLessThan(FAILOVER_WITHIN_MS);
    expect(changes[0]?.reason).toBe('probe_failed');
  });

  it('both down: requests fail fast as not sent, and the gate reports both venues ineligible', async () => {
    const gate = createEligibilityGate({
      venues: {
        polymarket: polymarketGeoblockCheck({ fetch: egress.fetch, url: `${venue.url}/api/geoblock` }),
        kalshi: kalshiExchangeStatusCheck({ fetch: egress.fetch, baseUrl: `${venue.url}/trade-api/v2` }),
      },
    });
    venue.answers.geoblock = { ...geoblockFixture, blocked: false, country: 'IE', region: 'D' };
    await gate.check();
    expect(gate.isEligible('kalshi') && gate.isEligible('polymarket')).toBe(true);

    await Promise.all([first.kill(), second.kill()]);
    await until('no egress left', () => egress.active() === undefined);
    const started = performance.now();
    const failure = await egress.fetch(`${venue.url}/orders`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(50);
    expect(failure).toBeInstanceOf(EgressRequestError);
    expect(failure).toMatchObject({ code: 'egress_unavailable', outcome: 'not_sent' });
    expect(changes.at(-1)).toMatchObject({ to: undefined, reason: 'all_down' });

    await gate.check();
    expect(gate.isEligible('kalshi')).toBe(false);
    expect(gate.isEligible('polymarket')).toBe(false);
    expect(() => gate.assertEligible('kalshi')).toThrow(VenueIneligibleError);
    expect(venue.orders.size).toBe(0);
  });

  it('eligibility failing from the egress in use: venue_ineligible; an egress change runs the checks again', async () => {
    const gate = createEligibilityGate({
      venues: {
        polymarket: polymarketGeoblockCheck({ fetch: egress.fetch, url: `${venue.url}/api/geoblock` }),
        kalshi: kalshiExchangeStatusCheck({ fetch: egress.fetch, baseUrl: `${venue.url}/trade-api/v2` }),
      },
    });
    await gate.check();
    expect(gate.isEligible('kalshi')).toBe(true);
    expect(gate.states().find((s) => s.venue === 'polymarket')).toMatchObject({
      eligible: false,
      reason: 'blocked: US-CO',
    });
    let thrown: unknown;
    try {
      gate.assertEligible('polymarket');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'venue_ineligible', venue: 'polymarket' });

    venue.answers.exchangeStatus = { exchange_active: true, trading_active: false };
    onEgressChange = () => void gate.check();
    await first.kill();
    await until('the checks run again from the second egress', () => !gate.isEligible('kalshi'));
    expect(changes).toHaveLength(1);
    expect(gate.states().find((s) => s.venue === 'kalshi')?.reason).toBe('trading_inactive');
  });

  it('gives ws an agent through the active egress', async () => {
    const before = first.tunnels;
    const socket = new WebSocket(venue.url.replace('http', 'ws'), { agent: egress.wsAgent() });
    const [message] = (await once(socket, 'message')) as [Buffer];
    expect(message.toString()).toBe('hello through the egress');
    expect(first.tunnels).toBe(before + 1);
    socket.terminate();
  });
});
