import { describe, expect, it } from 'vitest';
import { hedgeProgress, openCostMicros } from '#domain/execution/hedge';
import { bookSale } from '#domain/execution/sale';
import { moneyMicros, quantityHundredths } from '#domain/units';

const q = quantityHundredths;

describe('an open hedge after its follow-ups', () => {
  it('stays open by what the legs and follow-ups left uncovered', () => {
    expect(
      hedgeProgress({ firstFilled: q(1000), secondFilled: q(300), retriesFilled: q(200), unwoundFilled: q(0) }),
    ).toEqual({ openHundredths: 500, resolution: 'still_open' });
  });

  it('closes as retried_filled when a retry covered the rest, unwound when a sale took part', () => {
    expect(
      hedgeProgress({ firstFilled: q(1000), secondFilled: q(0), retriesFilled: q(1000), unwoundFilled: q(0) }),
    ).toEqual({ openHundredths: 0, resolution: 'retried_filled' });
    expect(
      hedgeProgress({ firstFilled: q(1000), secondFilled: q(0), retriesFilled: q(400), unwoundFilled: q(600) }),
    ).toEqual({ openHundredths: 0, resolution: 'unwound' });
  });

  it('has no resolution when the second leg itself covered the first', () => {
    expect(
      hedgeProgress({ firstFilled: q(1000), secondFilled: q(1000), retriesFilled: q(0), unwoundFilled: q(0) }),
    ).toEqual({ openHundredths: 0, resolution: null });
  });

  it("charges the open contracts their share of the first leg's cost, rounded up", () => {
    expect(openCostMicros(moneyMicros(4_500_001), q(1000), q(500))).toBe(2_250_001);
    expect(openCostMicros(moneyMicros(4_500_000), q(1000), q(1000))).toBe(4_500_000);
    expect(openCostMicros(moneyMicros(4_500_000), q(0), q(0))).toBe(0);
  });
});

describe('booking a sale', () => {
  const held = { quantity: q(1000), costMicros: moneyMicros(4_500_001), feesMicros: moneyMicros(90_001) };

  it('takes the share of cost and fees sold off and credits the proceeds less the fee', () => {
    const booked = bookSale(held, {
      quantity: q(400),
      proceedsMicros: moneyMicros(1_680_000),
      feeMicros: moneyMicros(20_000),
    });
    expect(booked).toEqual({
      releasedCostMicros: 1_800_000,
      releasedFeesMicros: 36_000,
      creditMicros: 1_660_000,
      realizedPnlMicros: 1_660_000 - 1_800_000 - 36_000,
    });
  });

  it('leaves nothing on a position sold out', () => {
    const booked = bookSale(held, {
      quantity: q(1000),
      proceedsMicros: moneyMicros(4_200_000),
      feeMicros: moneyMicros(0),
    });
    expect(booked.releasedCostMicros).toBe(4_500_001);
    expect(booked.releasedFeesMicros).toBe(90_001);
    expect(booked.realizedPnlMicros).toBe(4_200_000 - 4_590_002);
  });

  it('refuses to sell more than is held', () => {
    expect(() =>
      bookSale(held, { quantity: q(1001), proceedsMicros: moneyMicros(0), feeMicros: moneyMicros(0) }),
    ).toThrow(RangeError);
  });
});
