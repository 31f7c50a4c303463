import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kalshiCreateOrderBody, kalshiFillOf, parseKalshiFillMessage } from '#adapters/venues/kalshi/orders';
import { priceMicros, quantityHundredths } from '#domain/units';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/venues/${name}`, import.meta.url), 'utf8');

describe('Kalshi order wire', () => {
  it('builds the fixture create-order request for 10 YES at $0.71, immediate-or-cancel', () => {
    const body = kalshiCreateOrderBody({
      clientOrderId: 'b7f3c2d1-5e4a-4c9b-8a21-6d0e9f1a3c55',
      venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
      side: 'yes',
      quantity: quantityHundredths(1_000),
      limitPriceMicros: priceMicros(710_000),
      createdAtMs: 0,
      fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
    });
    expect(body).toEqual(JSON.parse(fixture('kalshi_create_order_request.json')));
  });

  it('reads the fixture WebSocket fill in our units: 10 at $0.71 for $7.10 and Kalshi fee $0.15', () => {
    const parsed = parseKalshiFillMessage(fixture('kalshi_ws_fill.json'))!;
    expect(parsed.clientOrderId).toBe('b7f3c2d1-5e4a-4c9b-8a21-6d0e9f1a3c55');
    expect(kalshiFillOf(parsed.fill, 'yes')).toMatchObject({
      venueFillId: '9d5c2e71-3b8a-4f06-a1d4-7e2b9c0f5a63',
      quantity: 1_000,
      priceMicros: 710_000,
      costMicros: 7_100_000,
      feeMicros: 150_000,
      liquidity: 'taker',
    });
    expect(kalshiFillOf(parsed.fill, 'no')).toMatchObject({ priceMicros: 290_000, costMicros: 2_900_000 });
  });
});
