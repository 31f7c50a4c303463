import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedParseError } from '#adapters/venues/feed-parse-error';
import { scanKalshiWsFrame } from '#adapters/venues/kalshi/frame-scan';
import { parseKalshiWsFrame, parseKalshiWsFrameBySchema } from '#adapters/venues/kalshi/wire';
import { scanPolymarketWsFrame } from '#adapters/venues/polymarket/frame-scan';
import {
  parsePolymarketWsFrame,
  parsePolymarketWsFrameWithZod,
  polymarketPriceMicros,
  polymarketSizeHundredths,
} from '#adapters/venues/polymarket/wire';
import { scanWith } from '#adapters/venues/raw-scan';
import { parseHundredths, parseMicros, parseScaledSpan } from '#domain';
import type { FeedLine } from '#domain/feed/events';
import { simulateEvening } from '../../../local/simulator/evening.ts';

/**
 * The raw-text scanners (raw-scan.ts, kalshi/frame-scan.ts, polymarket/frame-scan.ts) against the full parsers, the
 * reference: wherever a scanner answers, its events are the full parser's (zod's) to the last field, and it never
 * answers for a frame the full parser rejects; what it leaves is still parsed by `parse*WsFrame`.
 */

const fixtureDir = new URL('../../fixtures/venues/', import.meta.url);
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8'));

/** Kalshi fixture files hold a frame or an array of frames; a Polymarket file is one frame (object or array). */
const kalshiFixtureFrames = readdirSync(fixtureDir)
  .filter((n) => n.startsWith('kalshi_ws_'))
  .flatMap((n) => {
    const body = fixture(n);
    return Array.isArray(body) ? body : [body];
  });
const polymarketFixtureFrames = readdirSync(fixtureDir)
  .filter((n) => n.startsWith('polymarket_ws_'))
  .map((n) => fixture(n));

type Outcome = { events: unknown[] } | { rejected: true };
const outcome = (parse: (raw: string) => unknown[], raw: string): Outcome => {
  try {
    return { events: parse(raw) };
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return { rejected: true };
  }
};

const venues = {
  kalshi: { scan: scanKalshiWsFrame, reference: parseKalshiWsFrameBySchema, parse: parseKalshiWsFrame },
  polymarket: { scan: scanPolymarketWsFrame, reference: parsePolymarketWsFrameWithZod, parse: parsePolymarketWsFrame },
};
type VenueName = keyof typeof venues;

/** The scanner answers as the reference does, or leaves the frame; the parser as the shard calls it always agrees. */
function agree(venue: VenueName, raw: string): boolean {
  const { scan, reference, parse } = venues[venue];
  const want = outcome(reference, raw);
  const scanned = scan(raw);
  if (scanned !== undefined) expect({ events: scanned }).toStrictEqual(want);
  expect(outcome(parse, raw)).toStrictEqual(want);
  return scanned !== undefined;
}

/** A simulated evening's venue frames (its malformed ones included). */
const feed: FeedLine[] = [
  ...simulateEvening({
    seed: 3,
    games: 4,
    sports: ['nba', 'nfl'],
    messages: 20_000,
    staleAfterMs: 30_000,
    thresholds: { minProfitMicros: 100_000, minEdgeBps: 10 },
  }).lines,
];
const feedFrames = (source: 'kalshi_ws' | 'polymarket_ws') => feed.filter((l) => l.source === source).map((l) => l.raw);

describe('parseScaledSpan', () => {
  const decimalish = fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,9})?$/);
  const anything = fc.oneof(decimalish, fc.string({ maxLength: 12, unit: fc.constantFrom(...'-0159. e+x') }));

  it('reads where it answers exactly as parseMicros and parseHundredths, and answers every plain short decimal', () => {
    fc.assert(
      fc.property(anything, fc.constantFrom(2, 6), (text, decimals) => {
        const full = (decimals === 6 ? parseMicros : parseHundredths) as (t: string) => number;
        let want: number | undefined;
        try {
          want = full(text);
        } catch {
          want = undefined;
        }
        const got = parseScaledSpan(`"${text}"`, 1, text.length + 1, decimals);
        if (got !== undefined) expect(got).toBe(want);
        const [whole = '', fraction = ''] = text.replace('-', '').split('.');
        const padded = whole.length + Math.max(fraction.length, decimals);
        if (want !== undefined && /^-?\d+(\.\d+)?$/.test(text) && padded <= 15) expect(got).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the venues own spellings', () => {
    expect(parseScaledSpan('0.5300', 0, 6, 6)).toBe(530_000);
    expect(parseScaledSpan('-180.00', 0, 7, 2)).toBe(-18_000);
    expect(parseScaledSpan('-0.00', 0, 5, 2)).toBe(0);
    expect(parseScaledSpan('0.12345678', 0, 10, 6)).toBeUndefined();
    expect(parseScaledSpan('0.12345600', 0, 10, 6)).toBe(123_456);
    expect(parseScaledSpan('1.', 0, 2, 2)).toBeUndefined();
  });
});

describe('RawScan', () => {
  const skipAll = (raw: string) =>
    scanWith(raw, (s) => {
      s.skip();
      return true;
    });

  it('steps over any JSON without escapes, and over nothing that is not JSON', () => {
    const text = fc.string({ unit: fc.constantFrom(...'ab 0-.e"{}[]:,tfnul') });
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), text), (raw) => {
        let json = true;
        try {
          JSON.parse(raw);
        } catch {
          json = false;
        }
        const scanned = skipAll(raw) !== undefined;
        if (scanned) expect(json).toBe(true);
        if (json && !raw.includes('\\') && !/[\t\n\r]/.test(raw)) expect(scanned).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('leaves control characters and escapes in strings, and truncated frames, to JSON.parse', () => {
    expect(skipAll('{"a":"x\u0001"}')).toBeUndefined();
    expect(skipAll('{"a":"x\\"y"}')).toBeUndefined();
    expect(skipAll('{"a":"x"')).toBeUndefined();
    expect(skipAll('{"a":1}x')).toBeUndefined();
    expect(skipAll('{"a":01}')).toBeUndefined();
    expect(skipAll('{"a":-}')).toBeUndefined();
    expect(skipAll(' {"a" : [ 1.5e+3 , true , null ] } ')).toBeDefined();
  });
});

describe('the frame scanners agree with the full parsers', () => {
  it('on every fixture frame, compact and as the file writes it', () => {
    const hot = ['orderbook_delta', 'orderbook_snapshot', 'ticker', 'trade'];
    for (const frame of kalshiFixtureFrames) {
      agree('kalshi', JSON.stringify(frame, null, 2));
      const scanned = agree('kalshi', JSON.stringify(frame));
      if (hot.includes((frame as { type?: string }).type ?? '')) expect(scanned).toBe(true);
    }
    for (const frame of polymarketFixtureFrames) {
      agree('polymarket', JSON.stringify(frame, null, 2));
      agree('polymarket', JSON.stringify(frame));
    }
  });

  it('on every venue frame of a simulated evening, and reads nearly all of them itself', () => {
    for (const source of ['kalshi_ws', 'polymarket_ws'] as const) {
      const frames = feedFrames(source);
      const venue = source === 'kalshi_ws' ? 'kalshi' : 'polymarket';
      let scanned = 0;
      for (const raw of frames) if (agree(venue, raw)) scanned++;
      expect(scanned / frames.length).toBeGreaterThan(0.95);
    }
  });

  /** Text edits a frame may suffer: a space, a cut, a character changed or escaped, a field added. */
  const edit = fc.record({
    kind: fc.constantFrom('space', 'cut', 'replace', 'escape', 'field', 'delete'),
    at: fc.nat(),
    char: fc.constantFrom(...'" {}[],:0-.9eaxBUYSELL\u0001\\\t'),
  });
  function applyEdit(raw: string, e: { kind: string; at: number; char: string }): string {
    const at = e.at % (raw.length + 1);
    switch (e.kind) {
      case 'space':
        return `${raw.slice(0, at)} ${raw.slice(at)}`;
      case 'cut':
        return raw.slice(0, at);
      case 'replace':
        return `${raw.slice(0, at)}${e.char}${raw.slice(at + 1)}`;
      case 'escape': {
        const c = raw.charCodeAt(at);
        return Number.isNaN(c) ? raw : `${raw.slice(0, at)}\\u${c.toString(16).padStart(4, '0')}${raw.slice(at + 1)}`;
      }
      case 'field': {
        const brace = raw.indexOf('{', at);
        return brace < 0 ? raw : `${raw.slice(0, brace + 1)}"extra":[1,{"b":null}],${raw.slice(brace + 1)}`;
      }
      default:
        return `${raw.slice(0, at)}${raw.slice(at + 1)}`;
    }
  }

  /** Keys shuffled at every level: the same frame to JSON.parse, another text to the scanner. */
  function shuffled(value: unknown, seed: number): unknown {
    if (Array.isArray(value)) return value.map((v, i) => shuffled(v, seed + i));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    entries.sort(([a], [b]) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
    return Object.fromEntries(entries.map(([k, v]) => [k, shuffled(v, seed + 1)]));
  }

  for (const venue of ['kalshi', 'polymarket'] as const) {
    const base = [
      ...(venue === 'kalshi' ? kalshiFixtureFrames : polymarketFixtureFrames).map((f) => JSON.stringify(f)),
      ...feedFrames(venue === 'kalshi' ? 'kalshi_ws' : 'polymarket_ws').slice(0, 400),
    ];
    it(`on ${venue} frames edited as text: the same events or the same rejection, or left to the full parser`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...base), fc.array(edit, { minLength: 1, maxLength: 3 }), (raw, edits) => {
          agree(venue, edits.reduce(applyEdit, raw));
        }),
        { numRuns: 4000 },
      );
    });
    it(`on ${venue} frames with their keys reordered`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...base), fc.nat(50), (raw, seed) => {
          let frame: unknown;
          try {
            frame = JSON.parse(raw);
          } catch {
            return;
          }
          agree(venue, JSON.stringify(shuffled(frame, seed)));
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('reads Polymarket prices and sizes as the full path does', () => {
    const text = fc.string({ maxLength: 10, unit: fc.constantFrom(...'0123456789.-') });
    fc.assert(
      fc.property(text, text, (price, size) => {
        const raw = JSON.stringify({
          event_type: 'last_trade_price',
          market: 'm',
          asset_id: 'a',
          price,
          size,
          timestamp: '1',
        });
        const scanned = scanPolymarketWsFrame(raw);
        if (scanned === undefined) return;
        expect(scanned[0]).toMatchObject({
          priceMicros: polymarketPriceMicros(price),
          sizeHundredths: polymarketSizeHundredths(size),
        });
      }),
      { numRuns: 3000 },
    );
  });
});
