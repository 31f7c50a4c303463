import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHundredths, parseMicros, priceFromProbability, toMicros } from '#domain';

describe('toMicros', () => {
  it('rounds dollars to the nearest micro', () => {
    expect(toMicros(0.53)).toBe(530_000);
    expect(toMicros(1)).toBe(1_000_000);
    expect(toMicros(0.0000004)).toBe(0);
    expect(toMicros(0.0000006)).toBe(1);
    expect(toMicros(-0.53)).toBe(-530_000);
    expect(Object.is(toMicros(-0.0000001), 0)).toBe(true);
  });

  it('names the bad argument', () => {
    expect(() => toMicros(Number.NaN)).toThrow(RangeError);
    expect(() => toMicros(Number.POSITIVE_INFINITY)).toThrow(/dollars/);
    expect(() => toMicros(1e12)).toThrow(/dollars/);
  });

  it('round-trips every whole number of micros', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (micros) => {
        expect(toMicros(micros / 1_000_000)).toBe(micros);
      }),
    );
  });
});

describe('priceFromProbability', () => {
  it('is the one rounding from probability to price', () => {
    expect(priceFromProbability(0.53)).toBe(530_000);
    expect(priceFromProbability(1 / 3)).toBe(333_333);
    expect(priceFromProbability(0)).toBe(0);
    expect(priceFromProbability(1)).toBe(1_000_000);
    expect(() => priceFromProbability(1.01)).toThrow(/probability/);
    expect(() => priceFromProbability(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseMicros / parseHundredths', () => {
  it('parses venue decimal strings without floats', () => {
    expect(parseMicros('0.5300')).toBe(530_000);
    expect(parseMicros('0.7')).toBe(700_000);
    expect(parseMicros('0.123456')).toBe(123_456);
    expect(parseMicros('-1.25')).toBe(-1_250_000);
    expect(parseMicros('0.1200000')).toBe(120_000);
    expect(parseHundredths('10.00')).toBe(1000);
    expect(parseHundredths('640.55')).toBe(64_055);
    expect(parseHundredths('2500')).toBe(250_000);
  });

  it('refuses text that is not a decimal or would lose digits', () => {
    expect(() => parseMicros('abc')).toThrow(RangeError);
    expect(() => parseMicros('0.1234567')).toThrow(/more than 6 decimals/);
    expect(() => parseHundredths('1.005')).toThrow(/more than 2 decimals/);
    expect(() => parseMicros('1e-3')).toThrow(RangeError);
  });

  it('agrees with toMicros on every 6-decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (micros) => {
        const text = (micros / 1_000_000).toFixed(6);
        expect(parseMicros(text)).toBe(micros);
      }),
    );
  });
});
