import { describe, expect, it } from 'vitest';
import { kalshiCreateOrderBody } from '#adapters/venues/kalshi/orders';
import { polymarketOrderDigest, polymarketOrderFields } from '#adapters/venues/polymarket/orders';
import { priceMicros, quantityHundredths } from '#domain/units';
import type { OrderToPlace } from '../../../shared/ports/execution.ts';

const signer = '0x1111111111111111111111111111111111111111';
const buy: OrderToPlace = {
  clientOrderId: 'hedge-1-u',
  venueMarketId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
  side: 'yes',
  quantity: quantityHundredths(1_050),
  limitPriceMicros: priceMicros(433_300),
  createdAtMs: 1_700_000_000_000,
  fee: { venue: 'polymarket', rate: 0.03, exponent: 1 },
};

describe('sell orders for an open hedge unwind', () => {
  it('signs a Polymarket SELL that gives the shares for at least the proceeds at the limit, rounded down', () => {
    const fields = polymarketOrderFields({ ...buy, action: 'sell' }, signer, signer, 0);
    // 10.50 shares at $0.4333: $4.549650 exactly; makerAmount is the shares in 6 decimals.
    expect(fields).toMatchObject({ side: 'SELL', makerAmount: '10500000', takerAmount: '4549650' });
    const bought = polymarketOrderFields(buy, signer, signer, 0);
    expect(bought).toMatchObject({ side: 'BUY', makerAmount: '4549650', takerAmount: '10500000' });
    expect(polymarketOrderDigest(fields, 137)).not.toEqual(polymarketOrderDigest(bought, 137));
  });

  it('rounds a SELL price-times-shares part micro down, a BUY up', () => {
    const odd = { ...buy, quantity: quantityHundredths(1), limitPriceMicros: priceMicros(433_333) };
    expect(polymarketOrderFields({ ...odd, action: 'sell' }, signer, signer, 0).takerAmount).toBe('4333');
    expect(polymarketOrderFields(odd, signer, signer, 0).makerAmount).toBe('4334');
  });

  it('sends a Kalshi sell with action sell, a plain order as a buy', () => {
    const kalshi: OrderToPlace = {
      ...buy,
      venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
      fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
    };
    expect(kalshiCreateOrderBody({ ...kalshi, action: 'sell' })).toMatchObject({ action: 'sell', side: 'yes' });
    expect(kalshiCreateOrderBody(kalshi)).toMatchObject({ action: 'buy' });
  });
});
