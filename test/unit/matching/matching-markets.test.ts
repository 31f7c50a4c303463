import { describe, expect, it } from 'vitest';
import type { KalshiMarketInfo, PolymarketMarketInfo } from '#domain/feed/events';
import { type MatchGameInput, matchMarkets } from '../../../shared/domain/matching/match.ts';

/** The fixture scenario (REFERENCE.md 4): Boston at Denver, 2026-11-14, 9 PM ET. */
const game: MatchGameInput<'nba'> = {
  sport: 'nba',
  espnEventId: '401810233',
  startsAtMs: Date.parse('2026-11-15T02:00Z'),
  home: 'DEN',
  away: 'BOS',
};

const KEY = 'nba|2026-11-14|BOS@DEN|winner_incl_ot|no_tie';
const CELTICS = '48213097312509818742316590428361527491038264531729085136207415839262071905533';
const NUGGETS = '91562630148817306482917305627189445176027938440122691574318026794407336290148';

/** kalshi_get_market_response.json as the Kalshi parser describes it. */
function kalshi(overrides: Partial<KalshiMarketInfo> = {}): KalshiMarketInfo {
  return {
    ticker: 'KXNBAGAME-26NOV14BOSDEN-DEN',
    eventTicker: 'KXNBAGAME-26NOV14BOSDEN',
    seriesTicker: 'KXNBAGAME',
    marketType: 'binary',
    title: 'Boston at Denver Winner?',
    yesSubTitle: 'Denver',
    noSubTitle: 'Denver',
    status: 'active',
    rulesPrimary:
      'If Denver wins the Boston at Denver professional basketball game originally scheduled for Nov 14, 2026, then the market resolves to Yes.',
    rulesSecondary:
      'If the game is postponed, it will be resolved once the game is completed; if it is not completed within two weeks, the market resolves per the rulebook.',
    priceRanges: [{ startMicros: 0, endMicros: 1_000_000, stepMicros: 10_000 }],
    fractionalTrading: false,
    ...overrides,
  };
}

/** polymarket_gamma_market.json as the Polymarket parser describes it. */
function polymarket(overrides: Partial<PolymarketMarketInfo> = {}): PolymarketMarketInfo {
  return {
    gammaId: '1893402',
    conditionId: '0x9b1f6d2e4c8a07f35e1d9c2b6a4f8e0d3c7b5a9e1f2d4c6b8a0e3f5d7c9b1a2e',
    slug: 'nba-bos-den-2026-11-14',
    question: 'Celtics vs. Nuggets',
    description:
      'In the upcoming NBA game, scheduled for November 14 at 9:00PM ET:\nIf the Celtics win, the market will resolve to "Celtics".\nIf the Nuggets win, the market will resolve to "Nuggets".\nIf the game is postponed, this market will remain open until the game has been completed.',
    outcomes: ['Celtics', 'Nuggets'],
    tokenIds: [CELTICS, NUGGETS],
    sportsMarketType: 'moneyline',
    negRisk: false,
    negRiskAugmented: false,
    active: true,
    closed: false,
    acceptingOrders: true,
    fee: { rate: 0.03, exponent: 1 },
    tickSizeMicros: 10_000,
    minOrderSizeHundredths: 500,
    gameStartMs: Date.parse('2026-11-15T02:00Z'),
    eventSlug: 'nba-bos-den-2026-11-14',
    ...overrides,
  };
}

const reasonsOf = (result: ReturnType<typeof matchMarkets>) =>
  Object.fromEntries(result.unmatched.map((u) => [u.id, u.reason]));

describe('matchMarkets on the fixture game', () => {
  it('matches the Kalshi DEN market and both Polymarket tokens under one full-game key', () => {
    const result = matchMarkets({ games: [game], kalshi: [kalshi()], polymarket: [polymarket()] });
    expect(result.unmatched).toEqual([]);
    expect(result.games).toEqual([
      {
        sport: 'nba',
        espnEventId: '401810233',
        home: 'DEN',
        away: 'BOS',
        markets: [
          {
            venue: 'kalshi',
            venueMarketId: 'KXNBAGAME-26NOV14BOSDEN-DEN',
            yesTeam: 'DEN',
            buy: ['yes', 'no'],
            fee: { venue: 'kalshi', liquidity: 'taker', multiplier: 1 },
            minOrderQuantity: 100,
            tickSizeMicros: 10_000,
            resolutionKey: KEY,
            title: 'Boston at Denver Winner?',
            resolutionRule: expect.stringContaining('If Denver wins the Boston at Denver'),
          },
          {
            venue: 'polymarket',
            venueMarketId: CELTICS,
            yesTeam: 'BOS',
            buy: ['yes'],
            fee: { venue: 'polymarket', rate: 0.03, exponent: 1 },
            minOrderQuantity: 500,
            tickSizeMicros: 10_000,
            resolutionKey: KEY,
            title: 'Celtics vs. Nuggets: Celtics',
            resolutionRule: expect.stringContaining('resolve to "Celtics"'),
          },
          expect.objectContaining({ venue: 'polymarket', venueMarketId: NUGGETS, yesTeam: 'DEN', resolutionKey: KEY }),
        ],
      },
    ]);
  });

  it('buys fractions on Kalshi where the market allows them, and takes its finest tick', () => {
    const [m] = matchMarkets({
      games: [game],
      kalshi: [
        kalshi({
          fractionalTrading: true,
          priceRanges: [
            { startMicros: 0, endMicros: 100_000, stepMicros: 1_000 },
            { startMicros: 100_000, endMicros: 900_000, stepMicros: 10_000 },
          ],
        }),
      ],
      polymarket: [],
    }).games[0]!.markets;
    expect(m).toMatchObject({ minOrderQuantity: 1, tickSizeMicros: 1_000 });
  });
});

describe('pairing refuses what is not the full-game winner', () => {
  const firstHalfKalshi = kalshi({
    ticker: 'KXNBA1HWINNER-26NOV14BOSDEN-DEN',
    eventTicker: 'KXNBA1HWINNER-26NOV14BOSDEN',
    seriesTicker: 'KXNBA1HWINNER',
    title: 'Boston at Denver: First Half Winner?',
  });

  it.each([
    ['a first-half series', firstHalfKalshi],
    ['a game-series ticker titled as a first half', kalshi({ title: 'Boston at Denver 1st Half Winner?' })],
    [
      'a spread described in the rules',
      kalshi({ rulesPrimary: 'If Denver wins the Boston at Denver game by more than 4.5 points, then Yes.' }),
    ],
    [
      'a regulation-only rule',
      kalshi({ rulesSecondary: 'Settles on the score at the end of regulation; overtime is not counted.' }),
    ],
    ['a scalar market', kalshi({ marketType: 'scalar' })],
  ])('Kalshi: %s', (_what, market) => {
    const result = matchMarkets({ games: [game], kalshi: [market], polymarket: [polymarket()] });
    expect(reasonsOf(result)[market.ticker]).toBe('not_full_game');
    expect(result.games[0]!.markets.every((m) => m.venue === 'polymarket')).toBe(true);
  });

  it.each([
    ['a first-half moneyline', { sportsMarketType: 'first_half_moneyline', slug: 'nba-bos-den-2026-11-14-1h' }],
    ['a moneyline-typed market with a first-half slug', { slug: 'nba-bos-den-2026-11-14-1h' }],
    ['a first-half title', { question: '1H Celtics vs. Nuggets' }],
    ['a spread', { sportsMarketType: 'spreads', slug: 'nba-bos-den-2026-11-14-spread-home-4pt5' }],
    ['a total', { sportsMarketType: 'totals', slug: 'nba-bos-den-2026-11-14-total-228pt5' }],
    ['a market without a sports type', { sportsMarketType: undefined }],
  ])('Polymarket: %s', (_what, overrides) => {
    const result = matchMarkets({ games: [game], kalshi: [kalshi()], polymarket: [polymarket(overrides)] });
    expect(reasonsOf(result)[polymarket().conditionId]).toBe('not_full_game');
    expect(result.games[0]!.markets.map((m) => m.venue)).toEqual(['kalshi']);
  });

  it.each([
    ['negRisk', { negRisk: true }],
    ['negRiskAugmented', { negRiskAugmented: true }],
  ])('Polymarket: a %s market, however similar', (_what, overrides) => {
    const result = matchMarkets({ games: [game], kalshi: [], polymarket: [polymarket(overrides)] });
    expect(result.unmatched).toMatchObject([{ venue: 'polymarket', reason: 'neg_risk' }]);
    expect(result.games[0]!.markets).toEqual([]);
  });

  it('refuses closed markets and markets of games it was not given', () => {
    const result = matchMarkets({
      games: [game],
      kalshi: [kalshi({ status: 'finalized' }), kalshi({ ticker: 'KXNBAGAME-26NOV16BOSDEN-DEN' })],
      polymarket: [polymarket({ closed: true })],
    });
    expect(result.unmatched.map((u) => u.reason)).toEqual(['closed', 'no_game', 'closed']);
  });
});

describe('which team YES pays on', () => {
  it('refuses a Kalshi market whose yes_sub_title names the other team than its ticker', () => {
    const result = matchMarkets({ games: [game], kalshi: [kalshi({ yesSubTitle: 'Boston' })], polymarket: [] });
    expect(result.unmatched).toMatchObject([{ reason: 'orientation_mismatch', detail: /yes_sub_title "Boston"/ }]);
  });

  it('refuses a Kalshi market whose rule pays on the other team than its ticker', () => {
    const rulesPrimary =
      'If Boston wins the Boston at Denver professional basketball game originally scheduled for Nov 14, 2026, then the market resolves to Yes.';
    const result = matchMarkets({ games: [game], kalshi: [kalshi({ rulesPrimary })], polymarket: [] });
    expect(result.unmatched).toMatchObject([{ reason: 'orientation_mismatch', detail: /pays on "Boston"/ }]);
  });

  it('refuses a Kalshi rule that swaps home and away', () => {
    const rulesPrimary = 'If Denver wins the Denver at Boston professional basketball game, then Yes.';
    const result = matchMarkets({ games: [game], kalshi: [kalshi({ rulesPrimary })], polymarket: [] });
    expect(result.unmatched).toMatchObject([{ reason: 'orientation_mismatch' }]);
  });

  it('orients each Polymarket token by its outcome name, whatever the order', () => {
    const reversed = polymarket({ outcomes: ['Nuggets', 'Celtics'], tokenIds: [NUGGETS, CELTICS] });
    const markets = matchMarkets({ games: [game], kalshi: [], polymarket: [reversed] }).games[0]!.markets;
    expect(markets.map((m) => [m.venueMarketId, m.yesTeam])).toEqual([
      [NUGGETS, 'DEN'],
      [CELTICS, 'BOS'],
    ]);
  });

  it('refuses a Polymarket market whose description pays the other outcome', () => {
    const description =
      'If the Celtics win, the market will resolve to "Nuggets".\nIf the Nuggets win, the market will resolve to "Celtics".';
    const result = matchMarkets({ games: [game], kalshi: [], polymarket: [polymarket({ description })] });
    expect(result.unmatched).toMatchObject([{ reason: 'orientation_mismatch' }]);
  });

  it('refuses outcomes that are not the two teams of the game', () => {
    const result = matchMarkets({
      games: [game],
      kalshi: [],
      polymarket: [polymarket({ outcomes: ['Celtics', 'Lakers'] })],
    });
    expect(result.unmatched).toMatchObject([{ reason: 'orientation_mismatch' }]);
  });
});

describe('dates a day apart (RULES.md 4: KXNFLGAME-26SEP14DENKC vs nfl-den-kc-2026-09-15)', () => {
  /** Monday night: 8:15 PM ET on Sep 14 is 00:15 UTC on Sep 15. */
  const mondayNight: MatchGameInput<'nfl'> = {
    sport: 'nfl',
    espnEventId: '401772900',
    startsAtMs: Date.parse('2026-09-15T00:15Z'),
    home: 'KC',
    away: 'DEN',
  };
  const nflRules = {
    rulesPrimary:
      'If Kansas City wins the Denver at Kansas City professional football game originally scheduled for Sep 14, 2026, then the market resolves to Yes.',
    rulesSecondary: 'If the game ends in a tie, the market will resolve to $0.50 for each team.',
  };
  const kalshiNfl = (date: string) =>
    kalshi({
      ticker: `KXNFLGAME-${date}DENKC-KC`,
      eventTicker: `KXNFLGAME-${date}DENKC`,
      seriesTicker: 'KXNFLGAME',
      title: 'Denver at Kansas City Winner?',
      yesSubTitle: 'Kansas City',
      noSubTitle: 'Kansas City',
      ...nflRules,
    });
  const polyNfl = (date: string) =>
    polymarket({
      conditionId: `0xnfl${date}`,
      slug: `nfl-den-kc-${date}`,
      question: 'Broncos vs. Chiefs',
      outcomes: ['Broncos', 'Chiefs'],
      tokenIds: ['111', '222'],
      description:
        'If the Broncos win, the market will resolve to "Broncos". If the Chiefs win, the market will resolve to "Chiefs". Overtime is included. If the game ends in a tie, this market will resolve 50-50.',
    });

  it('pairs them under the Eastern date when ESPN starts the game on the Kalshi date', () => {
    const result = matchMarkets({
      games: [mondayNight],
      kalshi: [kalshiNfl('26SEP14')],
      polymarket: [polyNfl('2026-09-15')],
    });
    expect(result.unmatched).toEqual([]);
    const keys = new Set(result.games[0]!.markets.map((m) => m.resolutionKey));
    expect(keys).toEqual(new Set(['nfl|2026-09-14|DEN@KC|winner_incl_ot|tie_half']));
  });

  it('refuses the pair when neither date is the Eastern date', () => {
    const result = matchMarkets({
      games: [mondayNight],
      kalshi: [kalshiNfl('26SEP15')],
      polymarket: [polyNfl('2026-09-15')],
    });
    expect(result.games[0]!.markets).toEqual([]);
    expect(result.unmatched.map((u) => u.reason)).toEqual(['date_mismatch', 'date_mismatch']);
  });

  it('refuses a market dated the day after an afternoon game: that is another day, not a time zone', () => {
    const sundayAfternoon = { ...mondayNight, startsAtMs: Date.parse('2026-09-13T17:00Z') };
    const result = matchMarkets({ games: [sundayAfternoon], kalshi: [], polymarket: [polyNfl('2026-09-14')] });
    expect(result.unmatched).toMatchObject([{ reason: 'no_game' }]);
  });

  it('asks an NFL market to say how a tie resolves', () => {
    const silent = kalshiNfl('26SEP14');
    silent.rulesSecondary = 'If the game is postponed, it resolves once completed.';
    const result = matchMarkets({ games: [mondayNight], kalshi: [silent], polymarket: [] });
    expect(result.unmatched).toMatchObject([{ reason: 'tie_rule' }]);
  });
});

describe('league details', () => {
  it('charges KXMLBGAME half the Kalshi fee and picks the doubleheader game by its Eastern start time', () => {
    const first: MatchGameInput = {
      sport: 'mlb',
      espnEventId: 'g1',
      startsAtMs: Date.parse('2026-08-11T17:05Z'),
      home: 'DET',
      away: 'CLE',
    };
    const second: MatchGameInput = { ...first, espnEventId: 'g2', startsAtMs: Date.parse('2026-08-11T22:40Z') };
    const market = kalshi({
      ticker: 'KXMLBGAME-26AUG111840CLEDET-DET',
      eventTicker: 'KXMLBGAME-26AUG111840CLEDET',
      seriesTicker: 'KXMLBGAME',
      title: 'Cleveland vs Detroit Winner?',
      yesSubTitle: 'Detroit',
      rulesPrimary:
        'If Detroit wins the Cleveland at Detroit professional baseball game, then the market resolves to Yes.',
      rulesSecondary: '',
    });
    const result = matchMarkets({ games: [first, second], kalshi: [market], polymarket: [] });
    expect(result.games.map((g) => g.markets.length)).toEqual([0, 1]);
    expect(result.games[1]!.markets[0]!.fee).toEqual({ venue: 'kalshi', liquidity: 'taker', multiplier: 0.5 });
  });

  it('reports a game whose team the table does not know instead of failing the whole match', () => {
    const result = matchMarkets({ games: [{ ...game, home: 'XYZ' }], kalshi: [], polymarket: [] });
    expect(result.games).toEqual([]);
    expect(result.unknownGames).toEqual([{ espnEventId: '401810233', detail: 'XYZ is not a nba team' }]);
  });
});
